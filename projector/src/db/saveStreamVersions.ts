import type { Executor } from '#shared/db/pool.js';
import type { ProjectionTables } from '#shared/views/projectionTables.js';

export interface StreamVersionUpdate {
  stream: string;
  /** The version read at the start of the batch (0 = no row yet). */
  expected: number;
  version: number;
}

/** Another transaction advanced a stream between our read and our write: retry the batch. */
export class StreamVersionConflictError extends Error {
  override readonly name = 'StreamVersionConflictError';
}

/**
 * Compare-and-set of the applied versions, in the batch's transaction: each row moves
 * from `expected` to `version` or the whole batch rolls back. This is what makes a
 * re-delivered batch a no-op instead of a double application.
 */
export async function saveStreamVersions(
  tx: Executor,
  tables: ProjectionTables,
  updates: StreamVersionUpdate[],
): Promise<void> {
  if (updates.length === 0) return;
  const { rows } = await tx.query<{ saved: number }>(
    `WITH input AS (
       SELECT * FROM unnest($1::text[], $2::bigint[], $3::bigint[]) AS i(stream, expected, version)
     ), inserted AS (
       INSERT INTO ${tables.streamVersions} (stream, version)
       SELECT stream, version FROM input WHERE expected = 0
       ON CONFLICT (stream) DO NOTHING
       RETURNING 1
     ), updated AS (
       UPDATE ${tables.streamVersions} AS s SET version = input.version
       FROM input
       WHERE s.stream = input.stream AND input.expected > 0 AND s.version = input.expected
       RETURNING 1
     )
     SELECT (SELECT count(*) FROM inserted) + (SELECT count(*) FROM updated) AS saved`,
    [updates.map((u) => u.stream), updates.map((u) => u.expected), updates.map((u) => u.version)],
  );
  const saved = rows[0]?.saved ?? 0;
  if (saved !== updates.length) {
    throw new StreamVersionConflictError(
      `stream versions changed concurrently: saved ${saved} of ${updates.length}`,
    );
  }
}
