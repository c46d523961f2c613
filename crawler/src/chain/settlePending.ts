import type { BlockMatch, BlockTxs } from '../matching/types.js';
import type { PendingIndex } from '../mempool/pendingIndex.js';

/** What a block does to our pending transactions. */
export interface PendingSettlement {
  /** Pending transactions the block mines: their TxConfirmed supersedes them. */
  mined: string[];
  /** (txid, user) of those it conflicts with, or that descend from one it does. */
  dropped: { txid: string; userId: string }[];
}

/**
 * Which pending transactions a block settles: those it mines, and those it makes
 * unminable — a block transaction spends one of their inputs (a double-spend confirmed
 * instead), or they spend an output of such a transaction. Takes them out of the index
 * ahead of the block's commit (the caller marks the index stale if that commit fails).
 */
export function settlePending(txs: BlockTxs, match: BlockMatch, pending: PendingIndex): PendingSettlement {
  if (pending.size === 0) return { mined: [], dropped: [] };
  const mined = new Set(match.walletTxs.map((w) => w.txid).filter((txid) => pending.has(txid)));
  const conflicted = new Set<string>();
  const tags = txs.prevoutTxidTags;
  // Only the first transaction can be a coinbase.
  for (let t = txs.count > 0 && txs.isCoinbase(0) ? 1 : 0; t < txs.count; t++) {
    for (let i = txs.inputStart[t]!; i < txs.inputStart[t + 1]!; i++) {
      if (!pending.mayHoldTag(tags[i]!)) continue;
      const spender = pending.spenderOf(txs.prevoutTxid(i), txs.prevoutVout(i));
      if (spender === undefined) continue;
      if (spender === txs.txid(t)) mined.add(spender);
      else conflicted.add(spender);
    }
  }
  for (const txid of mined) conflicted.delete(txid);
  for (const txid of pending.descendants(conflicted)) if (!mined.has(txid)) conflicted.add(txid);
  const dropped = [...conflicted].flatMap((txid) =>
    pending.get(txid)!.users.map((userId) => ({ txid, userId })),
  );
  for (const txid of [...mined, ...conflicted]) pending.remove(txid);
  return { mined: [...mined], dropped };
}
