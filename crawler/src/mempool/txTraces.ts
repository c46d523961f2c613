import type { Transaction } from 'bitcoinjs-lib';
import { bytesTag, txidTag } from '../matching/tags.js';
import type { Outpoint } from '../matching/types.js';

/**
 * What the mempool follower keeps of each mempool transaction it fetched: the tags
 * (matching/tags.ts) of its output scripts, by output index, and of the outpoints it
 * spends. When addresses join, joinCandidates picks from these the few transactions that
 * may touch them, to be matched again, instead of the whole mempool.
 */
export interface TxTraces {
  scripts: number[];
  /** Per input, the spent txid's tag then the output index. */
  spends: number[];
}

export function traceOf(tx: Transaction): TxTraces {
  return {
    scripts: tx.outs.map((o) => bytesTag(o.script, 0, o.script.length)),
    spends: tx.ins.flatMap((i) => [bytesTag(i.hash, 0, i.hash.length), i.index]),
  };
}

// An outpoint's key from its txid's tag (30 bits) and its index: exact below 2^42.
const outpointTag = (tag: number, vout: number) => tag * 4096 + (vout % 4096);

/**
 * The traced transactions that may touch joined addresses: those paying one of their
 * `scripts`, those spending one of their unspent outputs (`funding`), and, transitively,
 * those spending a candidate's output to a joined script — or any output of one of
 * `wholeTxids` (our pending transactions with no traces, whose outputs are not known).
 * Only outpoints: the other outputs of a funding transaction, such as its payer's change
 * spent on down a chain, are left alone. A tag is 30 bits: a false "maybe" costs one fetch.
 */
export function joinCandidates(
  traces: ReadonlyMap<string, TxTraces>,
  scripts: readonly Uint8Array[],
  funding: readonly Outpoint[],
  wholeTxids: Iterable<string> = [],
): string[] {
  const scriptTags = new Set(scripts.map((s) => bytesTag(s, 0, s.length)));
  const outpoints = new Set(funding.map((o) => outpointTag(txidTag(o.txid), o.vout)));
  const whole = new Set<number>();
  for (const txid of wholeTxids) whole.add(txidTag(txid));
  const spendsWatched = (t: TxTraces) => {
    for (let i = 0; i < t.spends.length; i += 2) {
      const tag = t.spends[i]!;
      if (whole.has(tag) || outpoints.has(outpointTag(tag, t.spends[i + 1]!))) return true;
    }
    return false;
  };
  const found = new Set<string>();
  // A pass per generation: a candidate's children are found in the pass after it.
  for (let grew = true; grew;) {
    grew = false;
    for (const [txid, t] of traces) {
      if (found.has(txid)) continue;
      const paid = t.scripts.flatMap((tag, vout) => (scriptTags.has(tag) ? [vout] : []));
      if (paid.length === 0 && !spendsWatched(t)) continue;
      found.add(txid);
      for (const vout of paid) outpoints.add(outpointTag(txidTag(txid), vout));
      grew = true;
    }
  }
  return [...found];
}
