import type { Pool, PoolClient } from './pool.js';

/** Runs `work` inside BEGIN/COMMIT on a client the caller holds, rolling back on any error. */
export async function inTransaction<T>(client: PoolClient, work: (tx: PoolClient) => Promise<T>): Promise<T> {
  await client.query('BEGIN');
  try {
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  }
}

/** Runs `work` in a transaction on a client taken from the pool for the duration. */
export async function withTransaction<T>(pool: Pool, work: (tx: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    return await inTransaction(client, work);
  } finally {
    client.release();
  }
}
