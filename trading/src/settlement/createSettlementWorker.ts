import type { Pool } from '#shared/db/pool.js';
import { createWakeSignal } from '#shared/lifecycle/createWakeSignal.js';
import { sharedPromise } from '#shared/lifecycle/sharedPromise.js';
import type { Logger } from '#shared/logging/logger.js';
import { backoffDelayMs } from '#shared/retry/retry.js';
import { recordSettlementFailure } from '../db/recordSettlementFailure.js';
import { selectDueSettlement } from '../db/selectDueSettlement.js';
import type { SettlementRow } from '../db/settlementRow.js';
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
  failedAttempts: number;
  lastError: { orderId: string; step: 'sign' | 'broadcast'; message: string; at: string } | null;
}

export interface SettlementWorkerDeps {
  db: Pool;
  wallets: Pick<NodeWallets, 'buildBuy' | 'buildSell' | 'broadcast'>;
  log: Logger;
  metrics: TradingMetrics;
  pollIntervalMs: number;
  maxRetryMs: number;
}

/**
 * Settles filled orders one at a time: sign and record, commit, then broadcast and mark
 * broadcast. A signed settlement left by a crash is sent again with the same bytes
 * before any other is built. A failed step is retried with backoff (per settlement).
 */
export function createSettlementWorker({
  db,
  wallets,
  log: parentLog,
  metrics,
  pollIntervalMs,
  maxRetryMs,
}: SettlementWorkerDeps) {
  const log = parentLog.child({ component: 'settlement' });
  const abort = new AbortController();
  const wake = createWakeSignal();
  let state: WorkerState = 'new';
  let broadcastTotal = 0;
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
    let step: 'sign' | 'broadcast' = 'sign';
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
    status: (): SettlementWorkerStatus => ({ state, broadcastTotal, failedAttempts, lastError }),
  };
}

export type SettlementWorker = ReturnType<typeof createSettlementWorker>;
