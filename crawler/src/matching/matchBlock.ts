import {
  outpointKey,
  type BlockMatch,
  type BlockTxs,
  type Outpoint,
  type OwnedOutput,
  type SpentOutput,
  type WatchLookup,
  type WalletTx,
} from './types.js';
import { txidTag } from './tags.js';
import { createTxTally } from './walletTxs.js';

/** Narrows spentOutpoints to some outpoints (e.g. our unspent outputs). */
export interface OutpointFilter {
  /** False when no kept outpoint's txid has this tag (matching/tags.ts). */
  mayHoldTag(txidTag: number): boolean;
  has(txid: string, vout: number): boolean;
}

/** The outpoints a block's transactions spend (coinbase inputs excluded): what to look up. */
export function spentOutpoints(txs: BlockTxs, keep?: OutpointFilter): Outpoint[] {
  const out: Outpoint[] = [];
  const tags = txs.prevoutTxidTags;
  // One flat pass over the inputs of every transaction but a coinbase (the first only).
  const first = txs.count > 0 && txs.isCoinbase(0) ? txs.inputStart[1]! : 0;
  const end = txs.inputStart[txs.count]!;
  for (let i = first; i < end; i++) {
    if (keep && !keep.mayHoldTag(tags[i]!)) continue;
    const txid = txs.prevoutTxid(i);
    const vout = txs.prevoutVout(i);
    if (!keep || keep.has(txid, vout)) out.push({ txid, vout });
  }
  return out;
}

/**
 * Matches a block against the watched scripts, transaction by transaction in block
 * order: outputs by script bytes, inputs against our unspent outputs — those loaded for
 * this block (`prevouts`) plus those created earlier in the same block, so a chain of
 * transactions inside one block is seen whole.
 */
export function matchBlock(txs: BlockTxs, watch: WatchLookup, prevouts: Iterable<OwnedOutput>): BlockMatch {
  const unspent = new Map<string, OwnedOutput>();
  // Most inputs spend nobody's output: a tag miss skips building the txid's hex, a txid
  // miss skips building the outpoint key.
  const unspentTags = new Set<number>();
  const unspentTxids = new Set<string>();
  const own = (o: OwnedOutput) => {
    unspent.set(outpointKey(o.txid, o.vout), o);
    unspentTags.add(txidTag(o.txid));
    unspentTxids.add(o.txid);
  };
  for (const p of prevouts) own(p);
  const filtered = watch.mayHoldTag !== undefined;
  const inputTags = txs.prevoutTxidTags;
  const scriptTags = txs.outputScriptTags;
  const created: OwnedOutput[] = [];
  const spent: SpentOutput[] = [];
  const walletTxs: WalletTx[] = [];

  for (let t = 0; t < txs.count; t++) {
    // The txid costs a double SHA-256: computed only for transactions that touch us.
    let tally: ReturnType<typeof createTxTally> | undefined;

    if (unspent.size > 0 && !(t === 0 && txs.isCoinbase(0))) {
      for (let i = txs.inputStart[t]!; i < txs.inputStart[t + 1]!; i++) {
        if (!unspentTags.has(inputTags[i]!)) continue;
        const prevTxid = txs.prevoutTxid(i);
        if (!unspentTxids.has(prevTxid)) continue;
        const key = outpointKey(prevTxid, txs.prevoutVout(i));
        const owned = unspent.get(key);
        if (!owned) continue;
        unspent.delete(key);
        spent.push({ txid: owned.txid, vout: owned.vout, spentTxid: txs.txid(t) });
        (tally ??= createTxTally(txs.txid(t))).sent(owned.userId, owned.address, owned.valueSats);
      }
    }
    const firstOutput = txs.outputStart[t]!;
    for (let o = firstOutput; o < txs.outputStart[t + 1]!; o++) {
      if (filtered && !watch.mayHoldTag!(scriptTags[o]!)) continue;
      const owner = watch.get(txs.outputScriptHex(o));
      if (!owner) continue;
      const valueSats = txs.outputValue(o);
      const owned: OwnedOutput = {
        txid: txs.txid(t),
        vout: o - firstOutput,
        userId: owner.userId,
        address: owner.address,
        valueSats,
      };
      created.push(owned);
      own(owned);
      (tally ??= createTxTally(txs.txid(t))).received(owner.userId, owner.address, valueSats);
    }
    if (tally) {
      let outputsSats = 0;
      for (let o = firstOutput; o < txs.outputStart[t + 1]!; o++) outputsSats += txs.outputValue(o);
      const matched = tally.walletTxs(outputsSats);
      if (t === 0 && txs.isCoinbase(0)) for (const w of matched) w.coinbase = true;
      walletTxs.push(...matched);
    }
  }
  return { created, spent, walletTxs };
}
