import type { Executor } from '#shared/db/pool.js';

export interface SettlementBacklog {
  /** Settlements not yet broadcast. */
  pending: number;
  /**
   * Settlements whose last attempt failed (retried with backoff): pending ones, and
   * broadcast ones the node lost whose re-send fails.
   */
  failing: number;
  oldestPendingAgeMs: number | null;
  lastError: { orderId: string; message: string; attempts: number } | null;
  /** Broadcast, not yet buried: checked each cycle, re-sent when the node lost them. */
  unburied: number;
  /** Double-spent by a confirmed transaction: never confirming, not re-sent, not rebuilt. */
  conflicted: number;
  lastConflict: { orderId: string; txid: string; reason: string } | null;
}

// Pending, or broadcast and still watched: where a failure is retried.
const RETRIED = `(state <> 'broadcast' OR (buried_at IS NULL AND conflict IS NULL))`;

export async function selectSettlementBacklog(db: Executor): Promise<SettlementBacklog> {
  const { rows } = await db.query<{
    pending: number;
    failing: number;
    oldestMs: number | null;
    unburied: number;
    conflicted: number;
  }>(
    `SELECT count(*) FILTER (WHERE state <> 'broadcast')::int AS pending,
            count(*) FILTER (WHERE ${RETRIED} AND last_error IS NOT NULL)::int AS failing,
            (extract(epoch FROM now() - min(created_at) FILTER (WHERE state <> 'broadcast')) * 1000)::bigint
              AS "oldestMs",
            count(*) FILTER (WHERE state = 'broadcast' AND buried_at IS NULL AND conflict IS NULL)::int
              AS unburied,
            count(*) FILTER (WHERE conflict IS NOT NULL)::int AS conflicted
       FROM settlements WHERE state <> 'broadcast' OR buried_at IS NULL`,
  );
  const { rows: errors } = await db.query<{ orderId: string; message: string; attempts: number }>(
    `SELECT order_id AS "orderId", last_error AS message, attempts FROM settlements
      WHERE ${RETRIED} AND last_error IS NOT NULL ORDER BY updated_at DESC LIMIT 1`,
  );
  const { rows: conflicts } = await db.query<{ orderId: string; txid: string; reason: string }>(
    `SELECT order_id AS "orderId", txid, conflict AS reason FROM settlements
      WHERE conflict IS NOT NULL ORDER BY updated_at DESC LIMIT 1`,
  );
  const counts = rows[0]!;
  return {
    pending: counts.pending,
    failing: counts.failing,
    oldestPendingAgeMs: counts.oldestMs,
    lastError: errors[0] ?? null,
    unburied: counts.unburied,
    conflicted: counts.conflicted,
    lastConflict: conflicts[0] ?? null,
  };
}
