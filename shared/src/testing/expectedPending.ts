import { addressToScript } from '../bitcoin/addressToScript.js';
import { RpcError, type RpcClient } from '../bitcoind/rpcClient.js';
import { RegtestError } from './regtestError.js';
import { decodeWithPrevouts, type ParentTxs } from './decodeWithPrevouts.js';
import { pendingByUser, type DecodedMempoolTx, type UserPending } from './pendingByUser.js';

interface MempoolSnapshot {
  txids: string[];
  mempool_sequence: number;
}

/**
 * The pending oracle: per user (`owners`: address → userId), what the node's mempool
 * would change their balance by once mined, and which transactions do it — asked of the
 * node itself. The mempool is read again until it did not change during the reading
 * (same `mempool_sequence` before and after), so the answer is one state of it.
 */
export async function expectedPending(
  node: { rpc: RpcClient },
  owners: Readonly<Record<string, string>>,
): Promise<Map<string, UserPending>> {
  const ownerOfScript = new Map<string, string>();
  for (const [address, user] of Object.entries(owners)) {
    const parsed = addressToScript(address, 'regtest');
    if (!parsed.ok) throw new Error(parsed.message);
    ownerOfScript.set(parsed.scriptPubKey.toString('hex'), user);
  }
  for (let attempt = 1; ; attempt++) {
    const before = await node.rpc.call<MempoolSnapshot>('getrawmempool', [false, true]);
    const txs: DecodedMempoolTx[] = [];
    const parents: ParentTxs = new Map();
    let complete = true;
    for (const txid of before.txids) {
      // Gone already (replaced, or evicted with a replaced parent): the sequence differs too.
      const tx = await decodeWithPrevouts(node.rpc, txid, parents).catch((err: unknown) => {
        if (err instanceof RpcError && err.rpcCode === -5) return undefined; // no such transaction
        throw err;
      });
      if (tx) txs.push(tx);
      else complete = false;
    }
    const after = await node.rpc.call<MempoolSnapshot>('getrawmempool', [false, true]);
    if (complete && after.mempool_sequence === before.mempool_sequence)
      return pendingByUser(txs, ownerOfScript);
    if (attempt === 10) throw new RegtestError('the mempool kept changing while it was read (10 attempts)');
  }
}
