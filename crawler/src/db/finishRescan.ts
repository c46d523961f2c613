import type { Executor } from '#shared/db/pool.js';
import { RESCANS_TABLE, UTXOS_TABLE, WATCHED_ADDRESSES_TABLE } from './tables.js';

/**
 * Ends a rescan that reached our tip (`tipHeight`), inside the caller's transaction under
 * the chain lock: its addresses join live matching after the tip, and the outputs it found
 * become ordinary wallet UTXOs that live matching sees spent from the next block on.
 */
export async function finishRescan(tx: Executor, rescanId: number, tipHeight: number): Promise<void> {
  await tx.query(
    `UPDATE ${RESCANS_TABLE} SET finished_at = now(), joined_height = $2, started_at = coalesce(started_at, now())
      WHERE rescan_id = $1`,
    [rescanId, tipHeight],
  );
  await tx.query(
    `UPDATE ${WATCHED_ADDRESSES_TABLE} SET joined_height = $2, rescan_id = NULL WHERE rescan_id = $1`,
    [rescanId, tipHeight],
  );
  await tx.query(`UPDATE ${UTXOS_TABLE} SET rescan_id = NULL WHERE rescan_id = $1`, [rescanId]);
}
