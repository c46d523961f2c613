import type { Executor } from '#shared/db/pool.js';

export async function pingDatabase(db: Executor): Promise<void> {
  await db.query('SELECT 1');
}
