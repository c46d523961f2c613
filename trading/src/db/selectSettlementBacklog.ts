import type { Executor } from '#shared/db/pool.js';

export interface SettlementBacklog {
  /** Settlements not yet broadcast. */
  pending: number;
  /** Of those, the ones whose last attempt failed. */
  failing: number;
  oldestPendingAgeMs: number | null;
  lastError: { orderId: string; message: string; attempts: number } | null;
}

export async function selectSettlementBacklog(db: Executor): Promise<SettlementBacklog> {
  const { rows } = await db.query<{ pending: number; failing: number; oldestMs: number | null }>(
    `SELECT count(*)::int AS pending, count(*) FILTER (WHERE last_error IS NOT NULL)::int AS failing,
            (extract(epoch FROM now() - min(created_at)) * 1000)::bigint AS "oldestMs"
       FROM settlements WHERE state <> 'broadcast'`,
  );
  const { rows: errors } = await db.query<{ orderId: string; message: string; attempts: number }>(
    `SELECT order_id AS "orderId", last_error AS message, attempts FROM settlements
      WHERE state <> 'broadcast' AND last_error IS NOT NULL ORDER BY updated_at DESC LIMIT 1`,
  );
  const counts = rows[0]!;
  return {
    pending: counts.pending,
    failing: counts.failing,
    oldestPendingAgeMs: counts.oldestMs,
    lastError: errors[0] ?? null,
  };
}
