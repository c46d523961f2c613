import type { Executor } from '#shared/db/pool.js';
import { DESCRIPTORS_TABLE, RESCANS_TABLE, WATCHED_ADDRESSES_TABLE } from './tables.js';

/**
 * A block at `height` is being reverted (inside the revert's transaction): rescans that
 * scanned it go back to scan its replacement, and addresses waiting to be placed — and the
 * windows wallets will derive — are matched from there too, since the blocks replacing it
 * may hold their payments.
 */
export async function rewindRescans(tx: Executor, height: number): Promise<void> {
  await tx.query(
    `UPDATE ${RESCANS_TABLE} SET next_height = $1 WHERE finished_at IS NULL AND next_height > $1`,
    [height],
  );
  await tx.query(
    `UPDATE ${WATCHED_ADDRESSES_TABLE} SET from_height = $1
      WHERE joined_height IS NULL AND rescan_id IS NULL AND from_height > $1`,
    [height],
  );
  // A wallet's next window is matched from the use that calls for it: a use in a block
  // replaced by another may sit lower in the new chain.
  await tx.query(
    `UPDATE ${DESCRIPTORS_TABLE} SET from_height = least(from_height, $1), extend_from_height = least(extend_from_height, $1)
      WHERE from_height > $1 OR extend_from_height > $1`,
    [height],
  );
}
