import type { RpcClient } from '#shared/bitcoind/rpcClient.js';

/**
 * Loads the named node wallet when it is on disk but not loaded (a node restart unloads
 * it); `create` makes it when missing (regtest: the house and users' wallets are ours).
 */
export async function ensureWallet(rpc: RpcClient, name: string, create: boolean): Promise<void> {
  const loaded = await rpc.call<string[]>('listwallets');
  if (loaded.includes(name)) return;
  const onDisk = await rpc.call<{ wallets: { name: string }[] }>('listwalletdir');
  const exists = onDisk.wallets.some((w) => w.name === name);
  if (!exists && !create) throw new Error(`the node has no wallet ${JSON.stringify(name)}`);
  try {
    if (exists) await rpc.call('loadwallet', [name, true]);
    else await rpc.call('createwallet', [name, false, false, '', false, true, true]);
  } catch (err) {
    // Another process (a test, the CLI) loaded or made it at the same moment.
    if (!(await rpc.call<string[]>('listwallets')).includes(name)) throw err;
  }
}
