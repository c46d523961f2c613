import type { Executor } from '#shared/db/pool.js';
import { ONLINE } from './tables.js';

/**
 * True when the user exists, holding a key-share lock on its row until the transaction
 * ends, so the user cannot vanish between this check and the address insert.
 */
export async function lockUser(tx: Executor, userId: string): Promise<boolean> {
  const { rowCount } = await tx.query(`SELECT 1 FROM ${ONLINE.users} WHERE user_id = $1 FOR KEY SHARE`, [
    userId,
  ]);
  return rowCount === 1;
}
