import type { Executor } from '#shared/db/pool.js';
import { BLOCKS_TABLE } from './tables.js';

/** The hash of our block at `height`, or undefined when we hold none there. */
export async function selectBlockHashAt(ex: Executor, height: number): Promise<string | undefined> {
  const { rows } = await ex.query<{ hash: string }>(`SELECT hash FROM ${BLOCKS_TABLE} WHERE height = $1`, [
    height,
  ]);
  return rows[0]?.hash;
}
