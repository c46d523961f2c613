import type { Executor } from '#shared/db/pool.js';

/** One funding check per user at a time: two sells cannot both count the same coins. */
export async function lockUserSells(tx: Executor, userId: string): Promise<void> {
  await tx.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [`sell:${userId}`]);
}
