import type { Executor } from '#shared/db/pool.js';
import { BLOCKS_TABLE } from './tables.js';

export interface StoredBlock {
  height: number;
  hash: string;
  prevHash: string;
  time: number;
}

interface BlockRow {
  height: number;
  hash: string;
  prev_hash: string;
  time: number;
}

export const toStoredBlock = (r: BlockRow): StoredBlock => ({
  height: r.height,
  hash: r.hash,
  prevHash: r.prev_hash,
  time: r.time,
});

/** The highest block we hold, or undefined before the first block. */
export async function selectTip(ex: Executor): Promise<StoredBlock | undefined> {
  const { rows } = await ex.query<BlockRow>(
    `SELECT height, hash, prev_hash, time FROM ${BLOCKS_TABLE} ORDER BY height DESC LIMIT 1`,
  );
  return rows[0] && toStoredBlock(rows[0]);
}
