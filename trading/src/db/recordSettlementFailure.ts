import type { Executor } from '#shared/db/pool.js';

/** Counts a failed attempt and puts the next one off by `delayMs`. */
export async function recordSettlementFailure(
  db: Executor,
  orderId: string,
  error: string,
  delayMs: number,
): Promise<number> {
  const { rows } = await db.query<{ attempts: number }>(
    `UPDATE settlements SET attempts = attempts + 1, last_error = $2,
            next_attempt_at = now() + make_interval(secs => $3::double precision / 1000), updated_at = now()
      WHERE order_id = $1 RETURNING attempts`,
    [orderId, error.slice(0, 1000), delayMs],
  );
  return rows[0]?.attempts ?? 0;
}
