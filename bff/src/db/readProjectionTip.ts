import type { Executor } from '#shared/db/pool.js';
import { LIVE_PROJECTION } from '#shared/views/projectionTables.js';
import type { Tip } from './tables.js';

/** The projection's chain tip (null before its first block). */
export async function readProjectionTip(ex: Executor): Promise<Tip | null> {
  const { rows } = await ex.query<Tip>({
    name: 'bff_read_projection_tip',
    text: `SELECT height, hash FROM ${LIVE_PROJECTION.chainBlocks} ORDER BY height DESC LIMIT 1`,
  });
  return rows[0] ?? null;
}
