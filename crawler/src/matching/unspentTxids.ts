import { createTagFilter } from './tagFilter.js';
import { txidTag } from './tags.js';
import type { Outpoint } from './types.js';

/**
 * Our unspent wallet UTXOs' outpoints (txid → output indexes), mirrored in memory so that
 * a block none of whose inputs spends one of them — nearly every block — needs no prevout
 * lookup in the database. Outpoints, not only txids: a customer's transaction usually has
 * change that a later transaction spends, and a txid hit would then cost a lookup (and a
 * wait for the previous block's commit) that finds nothing.
 *
 * The mirror knows the tip it reflects and is used only to match a block extending exactly
 * that tip. It is loaded together with the tip in one snapshot, and moved forward as each
 * block is matched, ahead of the block's commit, so the next block can be matched while
 * that commit runs; the caller must `reset()` it when a commit does not succeed. Anything
 * else that changes the wallet UTXOs — a revert, another crawler — moves the stored tip
 * away from the mirror's, so it is reloaded instead of silently missing a spend.
 */
export function createUnspentTxids() {
  let voutsByTxid = new Map<string, number[]>();
  // How many of those txids have each tag: the cheap first test (matching/tags.ts).
  let txidsByTag = new Map<number, number>();
  const filter = createTagFilter(); // before txidsByTag: most inputs are turned away by it
  const countTag = (txid: string, by: number) => {
    const tag = txidTag(txid);
    if (by > 0) filter.add(tag);
    const n = (txidsByTag.get(tag) ?? 0) + by;
    if (n > 0) txidsByTag.set(tag, n);
    else txidsByTag.delete(tag);
  };
  // The block hash the mirror reflects; null for "the empty chain", undefined when unknown.
  let at: string | null | undefined;
  return {
    /** True when the mirror reflects the chain whose tip is `tipHash` (undefined: no block). */
    isAt(tipHash: string | undefined): boolean {
      return at !== undefined && at === (tipHash ?? null);
    },
    /** From selectUnspentTxids: txid → unspent output indexes, as of `tipHash`. */
    load(vouts: Map<string, number[]>, tipHash: string | undefined): void {
      voutsByTxid = vouts;
      txidsByTag = new Map();
      filter.clear();
      for (const txid of vouts.keys()) countTag(txid, 1);
      at = tipHash ?? null;
    },
    /** Forgets which tip the mirror reflects: the next block reloads it. */
    reset(): void {
      at = undefined;
    },
    mayHoldTag(tag: number): boolean {
      return filter.mayHold(tag) && txidsByTag.has(tag);
    },
    has(txid: string, vout: number): boolean {
      return voutsByTxid.get(txid)?.includes(vout) ?? false;
    },
    /** Block `hash` creates these outputs of ours and spends these. */
    advance(hash: string, created: Outpoint[], spent: Outpoint[]): void {
      for (const o of created) {
        const vouts = voutsByTxid.get(o.txid);
        if (vouts) vouts.push(o.vout);
        else {
          voutsByTxid.set(o.txid, [o.vout]);
          countTag(o.txid, 1);
        }
      }
      for (const o of spent) {
        const vouts = voutsByTxid.get(o.txid);
        const i = vouts?.indexOf(o.vout) ?? -1;
        if (i < 0) continue;
        vouts!.splice(i, 1);
        if (vouts!.length === 0) {
          voutsByTxid.delete(o.txid);
          countTag(o.txid, -1);
        }
      }
      at = hash;
    },
  };
}

export type UnspentTxids = ReturnType<typeof createUnspentTxids>;
