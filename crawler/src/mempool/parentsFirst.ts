import type { Transaction } from 'bitcoinjs-lib';
import type { MempoolOp } from './mempoolOp.js';
import { displayTxid } from './matchMempoolTx.js';

/**
 * The ops in their order, except that an added (or rematched) transaction comes after the
 * added or rematched ones it spends from: a snapshot lists the mempool in no particular
 * order, and a child can only be matched against its parent's outputs once the parent is.
 * Stable otherwise: a parent added before the child (even one removed and added again
 * later) stays where it is.
 */
export function parentsFirst(ops: MempoolOp[], txs: ReadonlyMap<string, Transaction>): MempoolOp[] {
  // Where each txid is added (or matched again), in order.
  const addsAt = new Map<string, number[]>();
  ops.forEach((op, i) => {
    if (op.kind === 'remove' || !txs.has(op.txid)) return;
    addsAt.set(op.txid, [...(addsAt.get(op.txid) ?? []), i]);
  });
  const done = new Set<number>();
  const out: MempoolOp[] = [];
  const visit = (i: number, path: Set<number>) => {
    if (done.has(i)) return;
    const op = ops[i]!;
    if (op.kind !== 'remove' && !path.has(i)) {
      path.add(i);
      for (const input of txs.get(op.txid)?.ins ?? []) {
        const parentAdds = addsAt.get(displayTxid(input.hash));
        // A parent not placed yet moves ahead of the child: its first add. One placed
        // already (even removed and added again later) stays where it is.
        if (!parentAdds || parentAdds.some((p) => done.has(p))) continue;
        visit(parentAdds[0]!, path);
      }
      path.delete(i);
    }
    done.add(i);
    out.push(op);
  };
  ops.forEach((_, i) => visit(i, new Set()));
  return out;
}
