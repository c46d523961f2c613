import type pg from 'pg';

/** Held for its session's life by the active crawler; another crawler waits for it. */
export const LEADER_LOCK_KEY = 0x6372_6c64;

/** Blocks until this session holds the leader lock (until the session ends, then). */
export async function waitForLeaderLock(client: pg.ClientBase): Promise<void> {
  await client.query('SELECT pg_advisory_lock($1)', [LEADER_LOCK_KEY]);
}
