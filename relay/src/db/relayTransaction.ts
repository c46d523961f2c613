import type { PoolClient } from '#shared/db/pool.js';

/**
 * Opens one relay transaction, with settings that end with it (one round trip):
 *
 * - idle_in_transaction_session_timeout: the transaction sits idle while Kafka acks.
 *   The relay itself gives up waiting after its publish timeout; should it hang anyway
 *   (a frozen process, a lost await), the server ends the session and frees the row
 *   locks, instead of hiding the batch from other relays and holding back vacuum.
 * - synchronous_commit off: losing the DELETE's commit in a server crash only means the
 *   batch is published again (at least once); it spares a WAL flush wait per batch.
 */
export async function beginRelayTransaction(tx: PoolClient, idleTimeoutMs: number): Promise<void> {
  const ms = Math.max(1, Math.round(idleTimeoutMs));
  await tx.query(
    `BEGIN; SET LOCAL idle_in_transaction_session_timeout = ${ms}; SET LOCAL synchronous_commit = off`,
  );
}

export async function commitRelayTransaction(tx: PoolClient): Promise<void> {
  await tx.query('COMMIT');
}

/** Gives the batch's row locks back at once: other relays (or the next cycle) may take it. */
export async function rollbackRelayTransaction(tx: PoolClient): Promise<void> {
  await tx.query('ROLLBACK');
}
