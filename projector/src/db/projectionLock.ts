import type { Executor } from '#shared/db/pool.js';

/**
 * Advisory lock between the live projector and a rebuild's swap. Every live batch
 * transaction takes it shared (batches of different partitions still run side by
 * side); the swap takes it exclusive, so no live batch is half-way through the old
 * tables while readers are switched to the new ones.
 */
export const PROJECTION_SWAP_LOCK = 0x70726f6a; // "proj"

export async function lockProjectionShared(tx: Executor): Promise<void> {
  await tx.query('SELECT pg_advisory_xact_lock_shared($1)', [PROJECTION_SWAP_LOCK]);
}

export async function lockProjectionExclusive(tx: Executor): Promise<void> {
  await tx.query('SELECT pg_advisory_xact_lock($1)', [PROJECTION_SWAP_LOCK]);
}
