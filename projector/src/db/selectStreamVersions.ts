import type { Executor } from '../../../shared/src/db/pool.js';
import type { ProjectionTables } from './tables.js';

interface StreamVersionRow {
  stream: string;
  version: number;
}

/**
 * Applied versions of `streams` (absent = 0), locked until commit: a consumer that
 * still holds a revoked partition's batch and the new owner serialise here.
 */
export async function selectStreamVersions(
  tx: Executor,
  tables: ProjectionTables,
  streams: string[],
): Promise<Map<string, number>> {
  if (streams.length === 0) return new Map();
  const { rows } = await tx.query<StreamVersionRow>(
    `SELECT stream, version FROM ${tables.streamVersions} WHERE stream = ANY($1::text[]) FOR UPDATE`,
    [streams],
  );
  return new Map(rows.map((r) => [r.stream, r.version]));
}
