import { txidTag } from '../matching/tags.js';
import { outpointKey, type Outpoint, type OwnedOutput } from '../matching/types.js';

/** A pending transaction of ours: in the node's mempool, touching a watched user. */
export interface PendingTx {
  txid: string;
  /** The users it touches, each with one mempool_txs row. */
  users: string[];
  /** Every input, ours or not: a block spending one of them conflicts with it. */
  inputs: Outpoint[];
  /** Its outputs paying watched scripts: a child spending one is ours too. */
  outputs: OwnedOutput[];
}

/**
 * The pending transactions in memory, mirroring mempool_txs/inputs/outputs, for the two
 * questions asked of every block and every mempool transaction: does it spend an outpoint
 * a pending transaction spends (a conflict), and does it spend a pending output of ours.
 * Changed ahead of the commit that writes the change (like the wallet UTXO mirror), so a
 * caller whose commit fails marks it stale and it is loaded again before the next use.
 */
export function createPendingIndex() {
  const byTxid = new Map<string, PendingTx>();
  const spenderOf = new Map<string, string>();
  const childrenOf = new Map<string, Set<string>>();
  const outputs = new Map<string, OwnedOutput>();
  // How many spent outpoints' txids have each tag: blocks test every input against it.
  const tags = new Map<number, number>();
  let stale = true;

  const countTag = (txid: string, by: number) => {
    const tag = txidTag(txid);
    const n = (tags.get(tag) ?? 0) + by;
    if (n > 0) tags.set(tag, n);
    else tags.delete(tag);
  };

  function add(tx: PendingTx): void {
    if (byTxid.has(tx.txid)) remove(tx.txid);
    byTxid.set(tx.txid, tx);
    for (const i of tx.inputs) {
      spenderOf.set(outpointKey(i.txid, i.vout), tx.txid);
      countTag(i.txid, 1);
      let children = childrenOf.get(i.txid);
      if (!children) childrenOf.set(i.txid, (children = new Set()));
      children.add(tx.txid);
    }
    for (const o of tx.outputs) outputs.set(outpointKey(o.txid, o.vout), o);
  }

  function remove(txid: string): PendingTx | undefined {
    const tx = byTxid.get(txid);
    if (!tx) return undefined;
    byTxid.delete(txid);
    for (const i of tx.inputs) {
      const key = outpointKey(i.txid, i.vout);
      if (spenderOf.get(key) === txid) spenderOf.delete(key);
      countTag(i.txid, -1);
      const children = childrenOf.get(i.txid);
      children?.delete(txid);
      if (children?.size === 0) childrenOf.delete(i.txid);
    }
    for (const o of tx.outputs) outputs.delete(outpointKey(o.txid, o.vout));
    return tx;
  }

  return {
    get size(): number {
      return byTxid.size;
    },
    /** True until load(); again after markStale(). */
    get stale(): boolean {
      return stale;
    },
    load(txs: Iterable<PendingTx>): void {
      byTxid.clear();
      spenderOf.clear();
      childrenOf.clear();
      outputs.clear();
      tags.clear();
      for (const tx of txs) add(tx);
      stale = false;
    },
    markStale(): void {
      stale = true;
    },
    add,
    remove,
    get: (txid: string): PendingTx | undefined => byTxid.get(txid),
    has: (txid: string): boolean => byTxid.has(txid),
    txids: (): IterableIterator<string> => byTxid.keys(),
    /** False when no pending transaction spends an outpoint of a txid with this tag. */
    mayHoldTag: (tag: number): boolean => tags.has(tag),
    /** The pending transaction spending this outpoint, if any. */
    spenderOf: (txid: string, vout: number): string | undefined => spenderOf.get(outpointKey(txid, vout)),
    /** A pending output paying a watched script. */
    output: (txid: string, vout: number): OwnedOutput | undefined => outputs.get(outpointKey(txid, vout)),
    /** Every pending transaction spending an output of these, transitively (not these). */
    descendants(txids: Iterable<string>): string[] {
      const found = new Set<string>();
      const frontier = [...txids];
      const roots = new Set(frontier);
      while (frontier.length > 0) {
        for (const child of childrenOf.get(frontier.pop()!) ?? []) {
          if (found.has(child) || roots.has(child)) continue;
          found.add(child);
          frontier.push(child);
        }
      }
      return [...found];
    },
  };
}

export type PendingIndex = ReturnType<typeof createPendingIndex>;
