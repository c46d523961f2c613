import type { Executor } from '#shared/db/pool.js';
import { selectPendingTxs } from '../db/selectPendingTxs.js';
import type { PendingIndex } from './pendingIndex.js';

/** Loads the index from the database when it is stale (first use, or after a failed commit). */
export async function loadPendingIndex(ex: Executor, index: PendingIndex): Promise<void> {
  if (index.stale) index.load(await selectPendingTxs(ex));
}
