import type { Executor } from '#shared/db/pool.js';
import { BLOCKS_TABLE } from './tables.js';
import { BLOCK_COLUMNS, toStoredBlock, type BlockRow, type StoredBlock } from './selectTip.js';

/** The oldest block we hold: the floor below which no reorg can be reverted. */
export async function selectLowestBlock(ex: Executor): Promise<StoredBlock | undefined> {
  const { rows } = await ex.query<BlockRow>(
    `SELECT ${BLOCK_COLUMNS} FROM ${BLOCKS_TABLE} ORDER BY height ASC LIMIT 1`,
  );
  return rows[0] && toStoredBlock(rows[0]);
}
