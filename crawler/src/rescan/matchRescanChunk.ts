import { matchBlock, spentOutpoints } from '../matching/matchBlock.js';
import { outpointKey, type OwnedOutput, type WalletTx, type WatchLookup } from '../matching/types.js';
import { txidTag } from '../matching/tags.js';
import type { ParsedBlock } from '../node/parseBlock.js';

export interface ChunkBlock {
  height: number;
  block: ParsedBlock;
}

/** An output a rescan found, with the chunk's block that spent it, if one did. */
export interface RescanOutput extends OwnedOutput {
  blockHash: string;
  height: number;
  spentBy?: { txid: string; blockHash: string; height: number };
}

export interface RescanSpend {
  txid: string;
  vout: number;
  spentTxid: string;
  blockHash: string;
  height: number;
}

export interface RescanWalletTx extends WalletTx {
  blockHash: string;
  height: number;
}

export interface ChunkMatch {
  /** Outputs created in the chunk (spent in it or not). */
  created: RescanOutput[];
  /** Outputs found by earlier chunks, spent in this one. */
  spent: RescanSpend[];
  /** In block order, then transaction order. */
  walletTxs: RescanWalletTx[];
}

/**
 * Matches a rescan's blocks, in height order, against its addresses only, exactly as
 * live matching does (matching/matchBlock.ts): outputs by script, inputs against the
 * outputs the rescan found before (`unspent`, advanced past the chunk in place).
 */
export function matchRescanChunk(
  blocks: readonly ChunkBlock[],
  watch: WatchLookup,
  unspent: Map<string, OwnedOutput>,
): ChunkMatch {
  const created = new Map<string, RescanOutput>();
  const spent: RescanSpend[] = [];
  const walletTxs: RescanWalletTx[] = [];
  const tags = new Set<number>();
  const txids = new Set<string>();
  for (const o of unspent.values()) {
    tags.add(txidTag(o.txid));
    txids.add(o.txid);
  }
  const filter = {
    mayHoldTag: (tag: number) => tags.has(tag),
    has: (txid: string, vout: number) => txids.has(txid) && unspent.has(outpointKey(txid, vout)),
  };
  for (const { height, block } of blocks) {
    const prevouts = spentOutpoints(block.txs, filter).map((o) => unspent.get(outpointKey(o.txid, o.vout))!);
    const match = matchBlock(block.txs, watch, prevouts);
    // Created first: a spend in the same block (a chain inside it) then finds its output.
    for (const o of match.created) {
      const key = outpointKey(o.txid, o.vout);
      created.set(key, { ...o, blockHash: block.hash, height });
      unspent.set(key, o);
      tags.add(txidTag(o.txid));
      txids.add(o.txid);
    }
    for (const s of match.spent) {
      const key = outpointKey(s.txid, s.vout);
      unspent.delete(key);
      const mine = created.get(key);
      if (mine) mine.spentBy = { txid: s.spentTxid, blockHash: block.hash, height };
      else spent.push({ ...s, blockHash: block.hash, height });
    }
    for (const w of match.walletTxs) walletTxs.push({ ...w, blockHash: block.hash, height });
  }
  return { created: [...created.values()], spent, walletTxs };
}
