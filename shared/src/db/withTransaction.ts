import type pg from 'pg';
import type { Pool, PoolClient } from './pool.js';

/** What the statements of a transaction's opening round trip returned, in order. */
export type Opening = pg.QueryResult[];

/**
 * Runs `work` inside BEGIN/COMMIT on a client the caller holds, rolling back on any error.
 * `begin` may add statements to the BEGIN's round trip (plain SQL, no parameters), such as
 * a lock every such transaction starts with and a first read under it; `work` gets their
 * results.
 */
export async function inTransaction<T>(
  client: PoolClient,
  work: (tx: PoolClient, opening: Opening) => Promise<T>,
  begin = 'BEGIN',
): Promise<T> {
  const opened = (await client.query(begin)) as pg.QueryResult | pg.QueryResult[];
  try {
    const result = await work(client, Array.isArray(opened) ? opened : [opened]);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  }
}

/** Runs `work` in a transaction on a client taken from the pool for the duration. */
export async function withTransaction<T>(
  pool: Pool,
  work: (tx: PoolClient, opening: Opening) => Promise<T>,
  begin = 'BEGIN',
): Promise<T> {
  const client = await pool.connect();
  try {
    return await inTransaction(client, work, begin);
  } finally {
    client.release();
  }
}
