import { Transaction } from 'bitcoinjs-lib';
import PQueue from 'p-queue';
import type { Pool } from '#shared/db/pool.js';
import { withTransaction } from '#shared/db/withTransaction.js';
import { userStream } from '#shared/events/streams.js';
import type { DropReason, ForklineEvent } from '#shared/events/types.js';
import type { Logger } from '#shared/logging/logger.js';
import { appendToManyStreams } from '#shared/outbox/appendToManyStreams.js';
import { deletePendingTxs } from '../db/deletePendingTxs.js';
import { insertPendingTxs, type NewPendingTx } from '../db/insertPendingTxs.js';
import { selectPendingParts, type PendingPart } from '../db/selectPendingParts.js';
import { lockChain } from '../db/lockChain.js';
import { selectTip } from '../db/selectTip.js';
import { selectUnspentOutpoints } from '../db/selectUnspentOutpoints.js';
import { outpointKey, type OwnedOutput, type WalletTx, type WatchLookup } from '../matching/types.js';
import type { ChainTip } from '../node/chainSource.js';
import type { MempoolSource } from '../node/mempoolSource.js';
import { displayTxid, matchMempoolTx } from './matchMempoolTx.js';
import type { MempoolOp } from './mempoolOp.js';
import { parentsFirst } from './parentsFirst.js';
import type { PendingIndex, PendingTx } from './pendingIndex.js';
import { restatedParts } from './restatedParts.js';
import { traceOf, type TxTraces } from './txTraces.js';

export interface MempoolChangeDeps {
  pool: Pool;
  source: MempoolSource;
  /** The node's best block: an eviction is only believed while it is still ours. */
  bestTip: () => Promise<ChainTip>;
  watch: WatchLookup;
  pending: PendingIndex;
  fetchConcurrency: number;
  log: Logger;
}

export type ChangeOutcome =
  /**
   * `pending`: newly pending; `restated`: pending already, stored again for users whose part
   * changed (rematched); `traced`: every transaction fetched (added or rematched), traced
   * for later joins.
   */
  | { kind: 'applied'; pending: number; restated: number; dropped: number; traced: Map<string, TxTraces> }
  | { kind: 'tip-moved' };

/**
 * Applies mempool changes to our pending transactions in one SQL transaction: each
 * added transaction touching a user becomes pending (TxPending per user, rows for its
 * inputs and watched outputs); each pending one that left is dropped (TxDropped:
 * `replaced` when another mempool transaction now spends one of its inputs, else
 * `evicted` — a block's conflicts were settled with the block); each rematched one that
 * now touches a user more (an address joined) is stored whole again, with TxPending for
 * the users whose part is new or changed. Events keep the node's order. Written only
 * while our chain tip is still `expectedTip` (the snapshot's).
 */
export async function applyMempoolChanges(
  deps: MempoolChangeDeps,
  ops: MempoolOp[],
  expectedTip: string | null,
): Promise<ChangeOutcome> {
  const { pool, source, watch, pending } = deps;
  const txs = await fetchAdded(deps, ops);
  const order = parentsFirst(ops, txs);

  // Prevouts: our confirmed unspent outputs (one query), then our pending outputs,
  // including those of transactions added earlier in this batch.
  const outpoints = [...txs.values()].flatMap((tx) =>
    tx.ins.map((i) => ({ txid: displayTxid(i.hash), vout: i.index })),
  );
  const confirmed = new Map(
    (await selectUnspentOutpoints(pool, outpoints)).map((o) => [outpointKey(o.txid, o.vout), o]),
  );
  const storedParts = new Map<string, PendingPart[]>();
  const rematched = ops.filter((op) => op.kind === 'rematch').map((op) => op.txid);
  for (const part of await selectPendingParts(pool, rematched)) {
    storedParts.set(part.txid, [...(storedParts.get(part.txid) ?? []), part]);
  }
  // Rematched transactions whose users' parts changed: those users, restated.
  const restated = new Map<string, WalletTx[]>();
  const added = new Map<string, NewPendingTx>();
  const batchOutputs = new Map<string, OwnedOutput>();
  const prevout = (txid: string, vout: number) => {
    const key = outpointKey(txid, vout);
    return batchOutputs.get(key) ?? pending.output(txid, vout) ?? confirmed.get(key);
  };
  const now = new Date();
  const matched = new Map<string, NewPendingTx>();
  const traced = new Map<string, TxTraces>();
  for (const op of order) {
    const tx = op.kind === 'remove' ? undefined : txs.get(op.txid);
    if (!tx || matched.has(op.txid)) continue;
    traced.set(op.txid, traceOf(tx));
    const m = matchMempoolTx(tx, op.txid, watch, prevout);
    if (m.walletTxs.length === 0) continue;
    const parts = op.kind === 'rematch' ? (storedParts.get(op.txid) ?? []) : [];
    if (op.kind === 'rematch') {
      const changed = restatedParts(parts, m.walletTxs);
      if (changed.length === 0) continue;
      restated.set(op.txid, changed);
    }
    for (const o of m.outputs) batchOutputs.set(outpointKey(o.txid, o.vout), o);
    matched.set(op.txid, {
      txid: op.txid,
      users: m.walletTxs.map((w) => w.userId),
      inputs: m.inputs,
      outputs: m.outputs,
      walletTxs: m.walletTxs,
      // A rematched one keeps when it was first seen.
      firstSeenAt: parts[0]?.firstSeenAt ?? now,
      // As stored, or its own signal, until the node says (inherited signals included) below.
      replaceable: parts[0]?.replaceable ?? m.signalsRbf,
    });
  }

  // What the node says now: replaceability of the new and restated ones, spenders of the gone ones.
  const leaving = ops
    .filter((op) => op.kind === 'remove')
    .map((op) => matched.get(op.txid) ?? pending.get(op.txid))
    .filter((p): p is PendingTx => p !== undefined);
  const [spenders] = await Promise.all([
    source.spenders(leaving.flatMap((p) => p.inputs)),
    Promise.all(
      [...matched.values()].map(async (p) => {
        p.replaceable = (await source.replaceable(p.txid)) ?? p.replaceable;
      }),
    ),
  ]);

  const events = new Map<string, ForklineEvent[]>();
  const emit = (userId: string, event: ForklineEvent) => {
    const stream = userStream(userId);
    const list = events.get(stream);
    if (list) list.push(event);
    else events.set(stream, [event]);
  };
  const gone = new Set<string>();
  let evictions = 0;
  // Stored pending transactions that left or are stored whole again: their rows go.
  const stored = new Set<string>();
  for (const op of order) {
    if (op.kind !== 'remove') {
      const p = matched.get(op.txid);
      if (!p || added.has(op.txid)) continue;
      gone.delete(op.txid);
      added.set(op.txid, p);
      if (op.kind === 'rematch') stored.add(op.txid);
      for (const w of restated.get(op.txid) ?? p.walletTxs) emit(w.userId, pendingEvent(p, w));
      continue;
    }
    const p = added.get(op.txid) ?? (gone.has(op.txid) ? undefined : pending.get(op.txid));
    if (!p) continue;
    gone.add(op.txid);
    if (pending.has(op.txid)) stored.add(op.txid);
    added.delete(op.txid);
    const replacedBy = p.inputs
      .map((i) => spenders.get(outpointKey(i.txid, i.vout)))
      .find((s) => s !== undefined && s !== op.txid);
    const reason: DropReason = replacedBy ? 'replaced' : 'evicted';
    if (!replacedBy) evictions++;
    const payload = replacedBy ? { txid: op.txid, reason, replacedBy } : { txid: op.txid, reason };
    for (const userId of p.users) emit(userId, { type: 'TxDropped', payload });
  }

  // A block's conflicts leave the mempool (R) before the block is announced: with the
  // block not applied yet, they would look evicted. Only believed while no block came.
  if (evictions > 0 && (await deps.bestTip()).hash !== expectedTip) return { kind: 'tip-moved' };
  const written = await withTransaction(pool, async (tx) => {
    await lockChain(tx);
    if (((await selectTip(tx))?.hash ?? null) !== expectedTip) return false;
    await deletePendingTxs(tx, [...stored]);
    await insertPendingTxs(tx, [...added.values()]);
    await appendToManyStreams(tx, events);
    return true;
  });
  if (!written) return { kind: 'tip-moved' };
  for (const txid of stored) pending.remove(txid);
  for (const p of added.values()) pending.add(p);
  let restatedCount = 0;
  for (const txid of added.keys()) if (restated.has(txid)) restatedCount++;
  return {
    kind: 'applied',
    pending: added.size - restatedCount,
    restated: restatedCount,
    dropped: gone.size,
    traced,
  };
}

function pendingEvent(p: NewPendingTx, w: NewPendingTx['walletTxs'][number]): ForklineEvent {
  return {
    type: 'TxPending',
    payload: {
      txid: p.txid,
      receivedSats: w.receivedSats,
      sentSats: w.sentSats,
      deltaSats: w.deltaSats,
      paidToOthersSats: w.paidToOthersSats,
      firstSeenAt: p.firstSeenAt.toISOString(),
      replaceable: p.replaceable,
    },
  };
}

/** The added transactions we do not hold yet, and the rematched ones, fetched with bounded concurrency. */
async function fetchAdded(deps: MempoolChangeDeps, ops: MempoolOp[]): Promise<Map<string, Transaction>> {
  // Not pending already — unless it left earlier in this batch and is back, or is to be
  // matched again.
  const wanted = new Set<string>();
  const left = new Set<string>();
  for (const op of ops) {
    if (op.kind === 'remove') left.add(op.txid);
    else if (op.kind === 'rematch' || !deps.pending.has(op.txid) || left.has(op.txid)) wanted.add(op.txid);
  }
  const queue = new PQueue({ concurrency: deps.fetchConcurrency });
  const found = new Map<string, Transaction>();
  await queue.addAll(
    [...wanted].map((txid) => async () => {
      const raw = await deps.source.rawTransaction(txid);
      // Gone already: its removal follows in the node's sequence, nothing to do for it.
      if (raw) found.set(txid, Transaction.fromBuffer(Buffer.from(raw)));
    }),
  );
  return found;
}
