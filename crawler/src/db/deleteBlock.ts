import type { Executor } from '#shared/db/pool.js';
import { BLOCKS_TABLE } from './tables.js';

export async function deleteBlock(tx: Executor, hash: string): Promise<void> {
  await tx.query(`DELETE FROM ${BLOCKS_TABLE} WHERE hash = $1`, [hash]);
}
