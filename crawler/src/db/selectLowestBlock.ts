import type { Executor } from '#shared/db/pool.js';
import { BLOCKS_TABLE } from './tables.js';
import { toStoredBlock, type StoredBlock } from './selectTip.js';

/** The oldest block we hold: the floor below which no reorg can be reverted. */
export async function selectLowestBlock(ex: Executor): Promise<StoredBlock | undefined> {
  const { rows } = await ex.query<{ height: number; hash: string; prev_hash: string; time: number }>(
    `SELECT height, hash, prev_hash, time FROM ${BLOCKS_TABLE} ORDER BY height ASC LIMIT 1`,
  );
  return rows[0] && toStoredBlock(rows[0]);
}
