import { arrayLiteral } from '#shared/db/arrayLiteral.js';
import type { Executor } from '#shared/db/pool.js';
import type { ProjectionTables } from '#shared/views/projectionTables.js';

export interface StreamVersionUpdate {
  stream: string;
  /** The version read, under lock, at the start of the batch (0 = none applied). */
  expected: number;
  version: number;
}

/** A stream's version is not the one the batch locked and read: retry the batch. */
export class StreamVersionConflictError extends Error {
  override readonly name = 'StreamVersionConflictError';
}

/**
 * Compare-and-set of the applied versions, in the batch's transaction: each row moves
 * from `expected` to `version` or the whole batch rolls back. The rows are locked by
 * selectStreamStates, so a mismatch means a bug or a hand edit, never a race: failing
 * loudly beats applying a stream twice.
 */
export async function saveStreamVersions(
  tx: Executor,
  tables: ProjectionTables,
  updates: StreamVersionUpdate[],
): Promise<void> {
  if (updates.length === 0) return;
  const { rowCount } = await tx.query(
    `UPDATE ${tables.streamVersions} AS s SET version = input.version
       FROM unnest($1::text[], $2::bigint[], $3::bigint[]) AS input(stream, expected, version)
      WHERE s.stream = input.stream AND s.version = input.expected`,
    [
      arrayLiteral(updates, (u) => u.stream),
      arrayLiteral(updates, (u) => u.expected),
      arrayLiteral(updates, (u) => u.version),
    ],
  );
  if (rowCount !== updates.length) {
    throw new StreamVersionConflictError(
      `stream versions changed concurrently: saved ${rowCount ?? 0} of ${updates.length}`,
    );
  }
}
