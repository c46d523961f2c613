import type { Executor } from '#shared/db/pool.js';

// "crawl": one key for every transaction that changes the crawler's chain, so a second
// crawler started by mistake waits instead of interleaving blocks with the first.
export const CHAIN_LOCK_KEY = 0x6372_6177;

/** Serialises chain writers until the end of the caller's transaction. */
export async function lockChain(tx: Executor): Promise<void> {
  await tx.query('SELECT pg_advisory_xact_lock($1)', [CHAIN_LOCK_KEY]);
}
