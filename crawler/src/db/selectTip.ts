import type { Executor } from '#shared/db/pool.js';
import { parseChainwork } from '../node/chainworkHex.js';
import { BLOCKS_TABLE } from './tables.js';

export interface StoredBlock {
  height: number;
  hash: string;
  prevHash: string;
  time: number;
  /** Unknown for blocks stored before migration 0105. */
  chainwork: bigint | undefined;
}

export interface BlockRow {
  height: number;
  hash: string;
  prev_hash: string;
  time: number;
  chainwork: string | null;
}

export const BLOCK_COLUMNS = 'height, hash, prev_hash, time, chainwork';

export const toStoredBlock = (r: BlockRow): StoredBlock => ({
  height: r.height,
  hash: r.hash,
  prevHash: r.prev_hash,
  time: r.time,
  chainwork: r.chainwork === null ? undefined : parseChainwork(r.chainwork),
});

/** The highest block we hold, or undefined before the first block. */
export async function selectTip(ex: Executor): Promise<StoredBlock | undefined> {
  const { rows } = await ex.query<BlockRow>(
    `SELECT ${BLOCK_COLUMNS} FROM ${BLOCKS_TABLE} ORDER BY height DESC LIMIT 1`,
  );
  return rows[0] && toStoredBlock(rows[0]);
}
