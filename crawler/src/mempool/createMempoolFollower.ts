import type { CrawlerMetrics } from '../metrics.js';
import type { MempoolMessage, MempoolChange } from '../node/zmqWakeups.js';
import { applyMempoolChanges, type MempoolChangeDeps } from './applyMempoolChanges.js';
import type { MempoolOp } from './mempoolOp.js';
import { loadPendingIndex } from './loadPendingIndex.js';
import type { Outpoint } from '../matching/types.js';
import { joinCandidates, type TxTraces } from './txTraces.js';

/** `again`: more to do at once (a gap to resync, a long queue); `behind`: sync blocks first. */
export type MempoolSyncOutcome = 'synced' | 'again' | 'behind';

export interface MempoolStatus {
  /** Transactions in the node's mempool as we last saw it; null before the first snapshot. */
  nodeTxs: number | null;
  pendingTxs: number;
  /** The mempool sequence number the next change will carry, as far as we know. */
  sequence: number | null;
  snapshots: number;
}

// One SQL transaction applies at most this many changes: a burst is written in slices.
const MAX_OPS_PER_BATCH = 5_000;
// Messages kept while the loop cannot drain them (database down, a long catch-up); past
// this a snapshot is due anyway, which makes every one of them redundant.
const MAX_QUEUED = 100_000;

/**
 * Follows the node's mempool gap-free, after Bitcoin Core's recipe (doc/zmq.md): take a
 * snapshot (`getrawmempool` with its mempool sequence number), drop the ZMQ messages it
 * already covers, then apply `A`/`R` messages one sequence number after another. A
 * missing number means lost messages: take a new snapshot. So does every block change
 * (a block removes its transactions from the mempool without messages, which moves the
 * sequence), our tip moving, and a timer — with ZMQ silent, snapshots alone converge.
 * Runs only while our chain equals the node's, after the block sync, in the crawler's
 * loop: a block has always been applied before the mempool changes it caused.
 */
export function createMempoolFollower(
  deps: MempoolChangeDeps & {
    /** Longest time between two snapshots (0: one every sync). */
    resyncIntervalMs: number;
    metrics: CrawlerMetrics;
  },
) {
  const { source, pending, log, metrics } = deps;
  let known = new Set<string>();
  // Of the mempool transactions we fetched, what a join needs to find those it may concern.
  const traces = new Map<string, TxTraces>();
  // Addresses joined since the last sync: their scripts and unspent outputs.
  let joined: { scripts: Uint8Array[]; funding: Outpoint[] } = { scripts: [], funding: [] };
  // Transactions a join may concern, ours (pending) or not: matched again.
  const recheck = new Set<string>();
  let sequence: number | undefined;
  let snapshotTip: string | null | undefined;
  let resyncDue = true;
  let nextSnapshotAt = 0;
  let snapshots = 0;
  let queue: MempoolChange[] = [];

  function onMessage(message: MempoolMessage): void {
    if (message.kind === 'block') resyncDue = true;
    else if (queue.length < MAX_QUEUED) queue.push(message);
    else {
      queue = [];
      resyncDue = true;
    }
  }

  async function apply(ops: MempoolOp[], tip: string | null): Promise<boolean> {
    if (ops.length === 0) return true;
    const outcome = await applyMempoolChanges(deps, ops, tip);
    if (outcome.kind === 'tip-moved') return false;
    for (const op of ops) traces.delete(op.txid);
    for (const [txid, t] of outcome.traced) traces.set(txid, t);
    const { pending: added, restated, dropped } = outcome;
    metrics.mempoolChanges.inc({ outcome: 'pending' }, added);
    metrics.mempoolChanges.inc({ outcome: 'restated' }, restated);
    metrics.mempoolChanges.inc({ outcome: 'dropped' }, dropped);
    metrics.pendingTxs.set(pending.size);
    if (added + restated + dropped > 0)
      log.info({ pending: added, restated, dropped }, 'mempool changes recorded');
    return true;
  }

  async function snapshot(tip: string | null): Promise<MempoolSyncOutcome> {
    // A node still loading its saved mempool would make pending transactions look evicted.
    if (!(await source.loaded())) return 'synced';
    resyncDue = false; // a block announced from here on asks for the next one
    const snap = await source.snapshot();
    // Taken after the snapshot: equal to ours, the snapshot saw no block we lack.
    if ((await deps.bestTip()).hash !== tip) {
      resyncDue = true;
      return 'behind';
    }
    const inSnapshot = new Set(snap.txids);
    const ops: MempoolOp[] = [];
    for (const txid of pending.txids()) if (!inSnapshot.has(txid)) ops.push({ kind: 'remove', txid });
    for (const txid of snap.txids) {
      if (!pending.has(txid)) {
        if (!known.has(txid)) ops.push({ kind: 'add', txid });
      } else if (recheck.has(txid)) ops.push({ kind: 'rematch', txid });
    }
    // Sliced in the snapshot's order, which is parents before children (getrawmempool
    // lists by ancestor count), so a child never lands in a slice before its parent's.
    for (let from = 0; from < ops.length; from += MAX_OPS_PER_BATCH) {
      if (!(await apply(ops.slice(from, from + MAX_OPS_PER_BATCH), tip))) {
        resyncDue = true;
        return 'behind';
      }
    }
    known = inSnapshot;
    for (const txid of traces.keys()) if (!inSnapshot.has(txid)) traces.delete(txid);
    recheck.clear();
    sequence = snap.sequence;
    snapshotTip = tip;
    nextSnapshotAt = Date.now() + deps.resyncIntervalMs;
    snapshots++;
    metrics.mempoolSnapshots.inc();
    // The snapshot's number is the next one to be taken: A/R messages carry the number
    // before the change took it, so those from snap.sequence on are not in the snapshot.
    queue = queue.filter((m) => m.sequence >= snap.sequence);
    return drain(tip);
  }

  /**
   * The transactions joins may concern (joinCandidates), picked after the pending index is
   * loaded: those that touched nobody are forgotten (to be added again), ours are rematched.
   * Our pending ones fetched before this process started have no traces: all rematched.
   */
  function pickJoinCandidates(): void {
    if (joined.scripts.length === 0) return;
    const untraced = [...pending.txids()].filter((txid) => !traces.has(txid));
    const found = joinCandidates(traces, joined.scripts, joined.funding, untraced);
    for (const txid of [...found, ...untraced]) {
      recheck.add(txid);
      if (!pending.has(txid)) known.delete(txid);
    }
    joined = { scripts: [], funding: [] };
  }

  /** Matches the candidates again, in one batch: parents before children across all of them. */
  async function recheckJoined(tip: string | null): Promise<boolean> {
    const ops: MempoolOp[] = [];
    for (const txid of recheck) {
      if (pending.has(txid)) ops.push({ kind: 'rematch', txid });
      else if (!known.has(txid)) ops.push({ kind: 'add', txid });
    }
    if (!(await apply(ops, tip))) return false;
    for (const op of ops) if (op.kind === 'add') known.add(op.txid);
    recheck.clear();
    return true;
  }

  async function drain(tip: string | null): Promise<MempoolSyncOutcome> {
    const ops: MempoolOp[] = [];
    let next = sequence!; // the number the next change will carry
    let taken = 0;
    // What this batch did so far: an R then an A of one txid must re-add it.
    const inBatch = new Map<string, boolean>();
    const present = (txid: string) => inBatch.get(txid) ?? (known.has(txid) || pending.has(txid));
    while (taken < queue.length && ops.length < MAX_OPS_PER_BATCH) {
      const m = queue[taken]!;
      if (m.sequence > next) {
        log.warn({ expected: next, got: m.sequence }, 'mempool messages lost: resyncing');
        resyncDue = true;
        break;
      }
      taken++;
      if (m.sequence < next) continue; // covered by the snapshot or seen already
      next = m.sequence + 1;
      if (m.kind === 'A' && present(m.txid)) continue;
      ops.push({ kind: m.kind === 'A' ? 'add' : 'remove', txid: m.txid });
      inBatch.set(m.txid, m.kind === 'A');
    }
    queue = queue.slice(taken);
    if (!(await apply(ops, tip))) {
      resyncDue = true;
      return 'behind';
    }
    for (const op of ops) {
      if (op.kind === 'add') known.add(op.txid);
      else known.delete(op.txid);
    }
    sequence = next;
    return resyncDue || queue.length > 0 ? 'again' : 'synced';
  }

  return {
    onMessage,
    /**
     * Our chain lost blocks: their transactions may be back in the mempool, and a block
     * mines transactions without announcing it, so `known` may still list them from
     * before. Forget it: the next snapshot looks at every transaction again.
     */
    onReorg(): void {
      known = new Set();
      traces.clear();
      resyncDue = true;
    },
    /**
     * Addresses joined live matching (their scripts; `funding`: their unspent outputs):
     * transactions already in the mempool may pay or
     * spend them, and `known` skips those. The next sync matches again those that may
     * (joinCandidates), ours included — one pending for its payer may pay a joined
     * address — without fetching the rest of the mempool.
     */
    onWatchGrew(scripts: readonly Uint8Array[], funding: readonly Outpoint[] = []): void {
      joined.scripts.push(...scripts);
      joined.funding.push(...funding);
    },
    /** Something failed outside the mempool sync (node or database away): start afresh. */
    markResync(): void {
      resyncDue = true;
    },
    /**
     * Brings our pending transactions to the node's mempool; `ourTip` is our chain tip,
     * just found equal to the node's. A failure leaves things to the next snapshot.
     */
    async sync(ourTip: string | undefined): Promise<MempoolSyncOutcome> {
      const tip = ourTip ?? null;
      try {
        await loadPendingIndex(deps.pool, pending);
        pickJoinCandidates();
        const due =
          resyncDue || sequence === undefined || snapshotTip !== tip || Date.now() >= nextSnapshotAt;
        if (due) return await snapshot(tip);
        if (recheck.size > 0 && !(await recheckJoined(tip))) {
          resyncDue = true;
          return 'behind';
        }
        return await drain(tip);
      } catch (err) {
        resyncDue = true;
        pending.markStale();
        throw err;
      }
    },
    status: (): MempoolStatus => ({
      nodeTxs: sequence === undefined ? null : known.size,
      pendingTxs: pending.size,
      sequence: sequence ?? null,
      snapshots,
    }),
  };
}

export type MempoolFollower = ReturnType<typeof createMempoolFollower>;
