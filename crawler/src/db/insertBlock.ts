import type { Executor } from '../../../shared/src/db/pool.js';
import { BLOCKS_TABLE } from './tables.js';
import type { StoredBlock } from './selectTip.js';

export async function insertBlock(tx: Executor, block: StoredBlock & { txCount: number }): Promise<void> {
  await tx.query(
    `INSERT INTO ${BLOCKS_TABLE} (height, hash, prev_hash, time, tx_count) VALUES ($1, $2, $3, $4, $5)`,
    [block.height, block.hash, block.prevHash, block.time, block.txCount],
  );
}
