import type { Executor } from '#shared/db/pool.js';

export interface StoredAnswer {
  fingerprint: string;
  statusCode: number;
  answer: unknown;
}

/**
 * Serialises requests carrying the same (user, key) until the first commits, then
 * returns the answer it stored, if any.
 */
export async function lockIdempotencyKey(
  tx: Executor,
  userId: string,
  key: string,
): Promise<StoredAnswer | undefined> {
  await tx.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [`idempotency:${userId}:${key}`]);
  const { rows } = await tx.query<StoredAnswer>(
    `SELECT fingerprint, status_code AS "statusCode", answer FROM idempotency_keys
      WHERE user_id = $1 AND key = $2`,
    [userId, key],
  );
  return rows[0];
}

export async function insertIdempotencyKey(
  tx: Executor,
  userId: string,
  key: string,
  stored: StoredAnswer,
): Promise<void> {
  await tx.query(
    `INSERT INTO idempotency_keys (user_id, key, fingerprint, status_code, answer) VALUES ($1, $2, $3, $4, $5)`,
    [userId, key, stored.fingerprint, stored.statusCode, JSON.stringify(stored.answer)],
  );
}
