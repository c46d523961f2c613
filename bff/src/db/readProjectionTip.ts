import type { Executor } from '#shared/db/pool.js';
import { VIEWS, type Tip } from './tables.js';

/** The highest block of the projection's main chain; null before the first block. */
export async function readProjectionTip(ex: Executor): Promise<Tip | null> {
  const { rows } = await ex.query<Tip>({
    name: 'bff_read_projection_tip',
    text: `SELECT height, hash FROM ${VIEWS.chainBlocks} ORDER BY height DESC LIMIT 1`,
  });
  return rows[0] ?? null;
}
