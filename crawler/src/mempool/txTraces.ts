import type { Transaction } from 'bitcoinjs-lib';
import { bytesTag, txidTag } from '../matching/tags.js';

/**
 * What the mempool follower keeps of each mempool transaction it fetched: the tags
 * (matching/tags.ts) of its output scripts and of the txids it spends from. When addresses
 * join, joinCandidates picks from these the few transactions that may touch them, to be
 * matched again, instead of the whole mempool.
 */
export interface TxTraces {
  scripts: number[];
  spends: number[];
}

export function traceOf(tx: Transaction): TxTraces {
  return {
    scripts: tx.outs.map((o) => bytesTag(o.script, 0, o.script.length)),
    spends: tx.ins.map((i) => bytesTag(i.hash, 0, i.hash.length)),
  };
}

/**
 * The traced transactions that may touch joined addresses: those paying one of their
 * `scripts`, those spending from one of `fundingTxids` (the transactions holding their
 * unspent outputs; our pending ones with no traces, which may pay them), and,
 * transitively, those spending from a candidate. A tag is 30 bits: a false "maybe" costs
 * one fetch.
 */
export function joinCandidates(
  traces: ReadonlyMap<string, TxTraces>,
  scripts: readonly Uint8Array[],
  fundingTxids: Iterable<string>,
): string[] {
  const scriptTags = new Set(scripts.map((s) => bytesTag(s, 0, s.length)));
  const txTags = new Set<number>();
  for (const txid of fundingTxids) txTags.add(txidTag(txid));
  const found = new Set<string>();
  // A pass per generation: a candidate's children are found in the pass after it.
  for (let grew = true; grew;) {
    grew = false;
    for (const [txid, t] of traces) {
      if (found.has(txid)) continue;
      if (t.scripts.some((tag) => scriptTags.has(tag)) || t.spends.some((tag) => txTags.has(tag))) {
        found.add(txid);
        txTags.add(txidTag(txid));
        grew = true;
      }
    }
  }
  return [...found];
}
