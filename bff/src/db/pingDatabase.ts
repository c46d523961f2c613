import type { Executor } from '#shared/db/pool.js';

/** Succeeds when the database answers a trivial query. */
export async function pingDatabase(ex: Executor): Promise<void> {
  await ex.query('SELECT 1');
}
