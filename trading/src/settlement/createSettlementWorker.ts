import type { Pool } from '#shared/db/pool.js';
import { createWakeSignal } from '#shared/lifecycle/createWakeSignal.js';
import { sharedPromise } from '#shared/lifecycle/sharedPromise.js';
import type { Logger } from '#shared/logging/logger.js';
import { backoffDelayMs } from '#shared/retry/retry.js';
import { recordSettlementFailure } from '../db/recordSettlementFailure.js';
import { selectDueSettlement } from '../db/selectDueSettlement.js';
import type { SettlementRow } from '../db/settlementRow.js';
import {
  clearSettlementWatchError,
  markSettlementBuried,
  markSettlementConflicted,
  selectWatchedSettlements,
  type WatchedSettlement,
} from '../db/settlementWatch.js';
import type { TradingMetrics } from '../metrics.js';
import type { NodeWallets } from '../wallet/nodeWallets.js';
import { broadcastSettlement } from './broadcastSettlement.js';
import { signSettlement } from './signSettlement.js';

// One worker at a time across processes: two would build from the same wallet coins.
const WORKER_LOCK = 0x7472_6164; // "trad"

export type WorkerState = 'new' | 'running' | 'another-worker-active' | 'db-unavailable' | 'closed';

export interface SettlementWorkerStatus {
  state: WorkerState;
  broadcastTotal: number;
  /** Checks of broadcast settlements not yet buried. */
  checksTotal: number;
  /** Transactions the node had lost, sent again with the same bytes. */
  resentTotal: number;
  buriedTotal: number;
  conflictedTotal: number;
  failedAttempts: number;
  lastError: { orderId: string; step: SettlementStep; message: string; at: string } | null;
}

type SettlementStep = 'sign' | 'broadcast' | 'resend';

export interface SettlementWorkerDeps {
  db: Pool;
  wallets: Pick<NodeWallets, 'buildBuy' | 'buildSell' | 'broadcast' | 'txStatus'>;
  log: Logger;
  metrics: TradingMetrics;
  pollIntervalMs: number;
  maxRetryMs: number;
  /** Confirmations after which a broadcast settlement is done and no longer checked. */
  buriedConfirmations: number;
}

/**
 * Settles filled orders one at a time: sign and record, commit, then broadcast and mark
 * broadcast. A signed settlement left by a crash is sent again with the same bytes
 * before any other is built. A failed step is retried with backoff (per settlement).
 * Each cycle first checks the broadcast settlements not yet buried: one the node has
 * neither in a block nor in its mempool is sent again with the same bytes; one with
 * `buriedConfirmations` is done; one double-spent by a confirmed transaction is recorded
 * as conflicted and no longer sent (nor rebuilt: that could pay twice).
 */
export function createSettlementWorker({
  db,
  wallets,
  log: parentLog,
  metrics,
  pollIntervalMs,
  maxRetryMs,
  buriedConfirmations,
}: SettlementWorkerDeps) {
  const log = parentLog.child({ component: 'settlement' });
  const abort = new AbortController();
  const wake = createWakeSignal();
  let state: WorkerState = 'new';
  let broadcastTotal = 0;
  let checksTotal = 0;
  let resentTotal = 0;
  let buriedTotal = 0;
  let conflictedTotal = 0;
  let failedAttempts = 0;
  let lastError: SettlementWorkerStatus['lastError'] = null;
  let loop: Promise<void> | undefined;

  /** Works on one due settlement; false when none is due. */
  async function settleNext(): Promise<boolean> {
    const settlement = await selectDueSettlement(db);
    if (!settlement) return false;
    await settle(settlement);
    return true;
  }

  async function settle(settlement: SettlementRow): Promise<void> {
    let step: SettlementStep = 'sign';
    try {
      const tx = await signSettlement(db, wallets, settlement);
      step = 'broadcast';
      if (await broadcastSettlement(db, wallets, settlement, tx)) {
        broadcastTotal++;
        metrics.settlementsBroadcast.inc({ side: settlement.side });
        log.info(
          { orderId: settlement.orderId, side: settlement.side, txid: tx.txid },
          'settlement broadcast',
        );
      }
    } catch (err) {
      await failed(settlement, step, err);
    }
  }

  async function failed(
    settlement: Pick<SettlementRow, 'orderId' | 'attempts'>,
    step: SettlementStep,
    err: unknown,
  ): Promise<void> {
    const message = err instanceof Error ? err.message : String(err);
    const delayMs = backoffDelayMs(settlement.attempts + 1, 1_000, maxRetryMs);
    failedAttempts++;
    metrics.settlementFailures.inc({ step });
    lastError = { orderId: settlement.orderId, step, message, at: new Date().toISOString() };
    await recordSettlementFailure(db, settlement.orderId, `${step}: ${message}`, delayMs);
    log.warn(
      { orderId: settlement.orderId, step, err: message, retryInMs: delayMs },
      'settlement failed, retrying later',
    );
  }

  /** Checks the broadcast settlements not yet buried, one at a time, oldest first. */
  async function watchBroadcast(): Promise<void> {
    for (const watched of await selectWatchedSettlements(db)) {
      if (abort.signal.aborted) return;
      await watch(watched);
    }
  }

  async function watch(s: WatchedSettlement): Promise<void> {
    const { orderId, side, txid } = s;
    checksTotal++;
    metrics.settlementChecks.inc();
    try {
      const status = await wallets.txStatus(side === 'buy' ? 'house' : 'users', txid);
      switch (status.kind) {
        case 'confirmed':
          if (status.confirmations >= buriedConfirmations) {
            await markSettlementBuried(db, orderId);
            buriedTotal++;
            log.info({ orderId, txid, confirmations: status.confirmations }, 'settlement buried');
            return;
          }
          break;
        case 'mempool':
          break;
        case 'conflicted': {
          const reason =
            `its transaction ${txid} was double-spent by ${status.conflicts.join(', ') || 'another transaction'} ` +
            `(${status.depth} block(s) deep): it can never confirm, and it is not rebuilt (that could pay twice)`;
          await markSettlementConflicted(db, orderId, reason);
          conflictedTotal++;
          log.error({ orderId, txid, conflicts: status.conflicts }, 'settlement conflicted');
          return;
        }
        case 'missing':
          // The node lost it (reorg, eviction, restart without its mempool): the same bytes again.
          await wallets.broadcast({ txid, hex: s.rawTx });
          resentTotal++;
          metrics.settlementsResent.inc({ side });
          log.warn({ orderId, side, txid }, 'settlement transaction lost by the node, sent again');
          break;
      }
      await clearSettlementWatchError(db, orderId);
    } catch (err) {
      await failed(s, 'resend', err);
    }
  }

  /** Settles everything due while holding the worker lock; false when another worker holds it. */
  async function cycle(): Promise<boolean> {
    const client = await db.connect();
    try {
      const { rows } = await client.query<{ got: boolean }>('SELECT pg_try_advisory_lock($1) AS got', [
        WORKER_LOCK,
      ]);
      if (!rows[0]!.got) return false;
      try {
        state = 'running';
        await watchBroadcast();
        while (!abort.signal.aborted && (await settleNext()));
        return true;
      } finally {
        await client.query('SELECT pg_advisory_unlock($1)', [WORKER_LOCK]);
      }
    } finally {
      client.release();
    }
  }

  async function run(): Promise<void> {
    while (!abort.signal.aborted) {
      wake.clear();
      try {
        if (!(await cycle())) state = 'another-worker-active';
      } catch (err) {
        state = 'db-unavailable';
        log.warn({ err: (err as Error).message }, 'settlement cycle failed');
      }
      await wake.wait(pollIntervalMs, abort.signal);
    }
  }

  const close = sharedPromise(async () => {
    abort.abort();
    await loop;
    state = 'closed';
  });

  return {
    start(): void {
      loop ??= run();
    },
    close,
    /** Looks for work now (a fill just committed). */
    wake: () => wake.wake(),
    status: (): SettlementWorkerStatus => ({
      state,
      broadcastTotal,
      checksTotal,
      resentTotal,
      buriedTotal,
      conflictedTotal,
      failedAttempts,
      lastError,
    }),
  };
}

export type SettlementWorker = ReturnType<typeof createSettlementWorker>;
