import type { Executor } from '#shared/db/pool.js';
import { ONLINE } from './tables.js';

/** Inserts a user; false when the id is taken (the caller answers 409). */
export async function insertUser(tx: Executor, userId: string): Promise<boolean> {
  const { rowCount } = await tx.query(
    `INSERT INTO ${ONLINE.users} (user_id) VALUES ($1) ON CONFLICT (user_id) DO NOTHING`,
    [userId],
  );
  return rowCount === 1;
}
