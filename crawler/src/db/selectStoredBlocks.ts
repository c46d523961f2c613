import type { Executor } from '#shared/db/pool.js';
import type { ChainTip } from '../node/chainSource.js';
import { BLOCKS_TABLE } from './tables.js';

/** Our stored blocks from `height` up, at most `limit`, in height order. */
export async function selectStoredBlocks(ex: Executor, height: number, limit: number): Promise<ChainTip[]> {
  const { rows } = await ex.query<ChainTip>(
    `SELECT height, hash FROM ${BLOCKS_TABLE} WHERE height >= $1 ORDER BY height LIMIT $2`,
    [height, limit],
  );
  return rows;
}
