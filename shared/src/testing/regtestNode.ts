import { btcToSats, satsToBtc } from '../bitcoin/btcSats.js';
import { createRpcClient, type RpcClient } from '../bitcoind/rpcClient.js';
import type { RpcScanTxOutSet } from '../bitcoind/rpcTypes.js';
import { RegtestError } from './regtestError.js';
import { regtestReorg } from './regtestReorg.js';
import { regtestReplacements } from './regtestReplacements.js';
import { restartWithEmptyMempool } from './regtestRestart.js';
import { blocksToFund, regtestRewardSats } from './regtestReward.js';

export type WalletAddressType = 'legacy' | 'p2sh-segwit' | 'bech32' | 'bech32m';

/**
 * The developer's and the tests' handle on the regtest node: mine, send, replace, reorg,
 * restart, and ask the node itself what addresses hold (the oracle forkline is checked
 * against; `expectedPending` is the mempool's).
 */
export function createRegtestNode(rpcUrl: string, wallet = 'forkline') {
  const rpc: RpcClient = createRpcClient({ url: rpcUrl, timeoutMs: 120_000 });
  const walletCall = <T>(method: string, params: unknown[] = []) => rpc.call<T>(method, params, { wallet });

  let minerAddress: string | undefined;
  const miner = async () => (minerAddress ??= await walletCall<string>('getnewaddress', ['miner', 'bech32']));

  const node = {
    rpc,
    walletCall,
    height: async () => (await rpc.getBlockchainInfo()).blocks,
    bestHash: () => rpc.getBestBlockHash(),
    newAddress: (type: WalletAddressType = 'bech32', label = '') =>
      walletCall<string>('getnewaddress', [label, type]),

    /** Mines `n` blocks (with whatever the mempool holds) and returns their hashes. */
    async mine(n = 1, toAddress?: string): Promise<string[]> {
      return rpc.call<string[]>('generatetoaddress', [n, toAddress ?? (await miner())]);
    },

    /** Mines one block with exactly these transactions (txids in the mempool or raw hex). */
    async mineBlockWith(transactions: string[], toAddress?: string): Promise<string> {
      const { hash } = await rpc.call<{ hash: string }>('generateblock', [
        toAddress ?? (await miner()),
        transactions,
      ]);
      return hash;
    },

    /** Loads the named wallet, creating it the first time (loaded again when the node restarts). */
    async ensureWallet(name: string): Promise<void> {
      const loaded = await rpc.call<string[]>('listwallets');
      if (loaded.includes(name)) return;
      const onDisk = await rpc.call<{ wallets: { name: string }[] }>('listwalletdir');
      if (onDisk.wallets.some((w) => w.name === name)) await rpc.call('loadwallet', [name, true]);
      else await rpc.call('createwallet', [name, false, false, '', false, true, true]);
    },

    /**
     * Makes sure the wallet has `minBtc` of mature coins to spend, mining as many blocks as
     * that takes (101 on a fresh chain). Fails with the way out when mining cannot do it.
     */
    async ensureFunds(minBtc = 50): Promise<void> {
      const { mine: coins } = await walletCall<{ mine: { trusted: number; immature: number } }>(
        'getbalances',
      );
      if (coins.trusted >= minBtc) return;
      const height = await node.height();
      const blocks = blocksToFund(height, btcToSats(minBtc - coins.trusted), btcToSats(coins.immature));
      if (blocks !== undefined) {
        await node.mine(blocks);
        const after = await walletCall<number>('getbalance');
        if (after >= minBtc) return;
      }
      throw new RegtestError(
        `the node's wallet "${wallet}" has ${coins.trusted} BTC to spend, less than the ${minBtc} BTC needed, ` +
          `and mining cannot make up for it: at height ${height} a regtest block pays ` +
          `${satsToBtc(regtestRewardSats(height + 1))} BTC (the reward halves every 150 blocks). ` +
          `Start over on a fresh chain with \`make reset\` (it also empties the databases).`,
      );
    },

    /**
     * Restarts the node (the local stack's) with an empty mempool and the same
     * configuration; the wallets' unconfirmed transactions are abandoned.
     */
    restartWithEmptyMempool: () => restartWithEmptyMempool(rpc, rpcUrl, () => node.ensureWallet(wallet)),

    /** Sends from the node's wallet without mining; returns the txid, which is in the mempool. */
    send: async (address: string, btc: number) =>
      node.expectInMempool(await walletCall<string>('sendtoaddress', [address, satsToBtc(btcToSats(btc))])),

    /** Sends to several addresses in one transaction; returns the txid. */
    sendMany: async (amounts: Record<string, number>) =>
      node.expectInMempool(
        await walletCall<string>('sendmany', [
          '',
          Object.fromEntries(Object.entries(amounts).map(([a, btc]) => [a, satsToBtc(btcToSats(btc))])),
        ]),
      ),

    /**
     * Returns `txid` once it is in the mempool (or mined). A wallet keeps, and returns the
     * txid of, a transaction the node's policy refused; this says so, with the node's
     * reason, instead of letting a later step fail on a transaction that never arrives.
     */
    async expectInMempool(txid: string, walletName = wallet): Promise<string> {
      const known = await rpc.call('getmempoolentry', [txid]).then(
        () => true,
        () => false,
      );
      if (known) return txid;
      const wtx = await rpc.call<{ hex: string; confirmations: number }>('gettransaction', [txid], {
        wallet: walletName,
      });
      if (wtx.confirmations > 0) return txid;
      const [verdict] = await rpc.call<{ allowed: boolean; 'reject-reason'?: string }[]>(
        'testmempoolaccept',
        [[wtx.hex]],
      );
      throw new RegtestError(
        `wallet "${walletName}" made transaction ${txid}, but the node's mempool refused it: ` +
          `${verdict?.['reject-reason'] ?? (verdict?.allowed ? 'it is acceptable now' : 'no reason given')}`,
      );
    },

    /** What the node says these addresses hold in confirmed UTXOs, in satoshis. */
    async balanceOf(addresses: string[]): Promise<number> {
      if (addresses.length === 0) return 0;
      const scan = await rpc.call<RpcScanTxOutSet>('scantxoutset', [
        'start',
        addresses.map((a) => `addr(${a})`),
      ]);
      return scan.unspents.reduce((sum, u) => sum + btcToSats(u.amount), 0);
    },
  };
  return { ...node, ...regtestReorg(node), ...regtestReplacements(node) };
}

export type RegtestNode = ReturnType<typeof createRegtestNode>;
