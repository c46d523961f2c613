import type { Transaction } from 'bitcoinjs-lib';
import type { MempoolOp } from './applyMempoolChanges.js';
import { displayTxid } from './matchMempoolTx.js';

/**
 * The ops in their order, except that an added transaction comes after the added ones it
 * spends from: a snapshot lists the mempool in no particular order, and a child can only
 * be matched against its parent's outputs once the parent is. Stable otherwise.
 */
export function parentsFirst(ops: MempoolOp[], txs: ReadonlyMap<string, { tx: Transaction }>): MempoolOp[] {
  const adds = new Map<string, MempoolOp>();
  for (const op of ops) if (op.kind === 'add' && txs.has(op.txid)) adds.set(op.txid, op);
  const done = new Set<MempoolOp>();
  const out: MempoolOp[] = [];
  const visit = (op: MempoolOp, path: Set<string>) => {
    if (done.has(op)) return;
    if (op.kind === 'add' && !path.has(op.txid)) {
      path.add(op.txid);
      for (const input of txs.get(op.txid)?.tx.ins ?? []) {
        const parent = adds.get(displayTxid(input.hash));
        if (parent && parent !== op) visit(parent, path);
      }
      path.delete(op.txid);
    }
    done.add(op);
    out.push(op);
  };
  for (const op of ops) visit(op, new Set());
  return out;
}
