import type { Executor } from '#shared/db/pool.js';
import { RESCANS_TABLE, WATCHED_ADDRESSES_TABLE } from './tables.js';

/** Queues a rescan of the stored chain from `fromHeight` for these addresses; its id. */
export async function insertRescan(tx: Executor, fromHeight: number, addresses: string[]): Promise<number> {
  const { rows } = await tx.query<{ rescan_id: string }>(
    `INSERT INTO ${RESCANS_TABLE} (from_height, next_height) VALUES ($1, $1) RETURNING rescan_id`,
    [fromHeight],
  );
  const rescanId = Number(rows[0]!.rescan_id);
  await tx.query(`UPDATE ${WATCHED_ADDRESSES_TABLE} SET rescan_id = $2 WHERE address = ANY ($1)`, [
    addresses,
    rescanId,
  ]);
  return rescanId;
}
