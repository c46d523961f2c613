import type { Executor } from '../db/pool.js';
import { LIVE_PROJECTION, type ProjectionTables } from './projectionTables.js';

/** A chain tip as the read side knows it. */
export interface ProjectionTip {
  height: number;
  hash: string;
}

/**
 * The highest block of the projection's main chain; null before the first block. Run
 * many times a second by the BFF's tip watcher, hence a named (prepared) statement.
 */
export async function readProjectionTip(
  ex: Executor,
  tables: ProjectionTables = LIVE_PROJECTION,
): Promise<ProjectionTip | null> {
  const { rows } = await ex.query<ProjectionTip>({
    name: `read_projection_tip_${tables.schema}`,
    text: `SELECT height, hash FROM ${tables.chainBlocks} ORDER BY height DESC LIMIT 1`,
  });
  return rows[0] ?? null;
}
