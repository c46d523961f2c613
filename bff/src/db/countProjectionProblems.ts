import type { Executor } from '#shared/db/pool.js';
import { VIEWS } from './tables.js';

interface CountsRow {
  parked: number;
  dead_letters: number;
}

export interface ProjectionProblems {
  /** Events waiting for a missing predecessor (a gap in their stream). */
  parkedEvents: number;
  /** Poison events the projector refused. */
  deadLetters: number;
}

export async function countProjectionProblems(ex: Executor): Promise<ProjectionProblems> {
  const { rows } = await ex.query<CountsRow>(
    `SELECT (SELECT count(*) FROM ${VIEWS.parkedEvents})::int8 AS parked,
            (SELECT count(*) FROM ${VIEWS.deadLetters})::int8 AS dead_letters`,
  );
  const row = rows[0]!;
  return { parkedEvents: row.parked, deadLetters: row.dead_letters };
}
