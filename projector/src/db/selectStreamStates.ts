import type { Executor } from '#shared/db/pool.js';
import type { RecordedEvent } from '#shared/events/types.js';
import type { ProjectionTables } from '#shared/views/projectionTables.js';

export interface StreamStates {
  /** Applied version per stream (absent = 0). */
  versions: Map<string, number>;
  /** Events waiting behind a gap, by stream then version. */
  parked: Map<string, Map<number, RecordedEvent>>;
}

interface StreamStateRow {
  stream: string;
  version: number;
  /** null on a stream_versions row, the event on a parked_events row. */
  event: RecordedEvent | null;
}

/**
 * Applied versions and parked events of `streams`, in one round trip (it is read once
 * per batch, for thousands of streams). The versions are locked until commit: a
 * consumer that still holds a revoked partition's batch and the new owner serialise here.
 */
export async function selectStreamStates(
  tx: Executor,
  tables: ProjectionTables,
  streams: string[],
): Promise<StreamStates> {
  const states: StreamStates = { versions: new Map(), parked: new Map() };
  if (streams.length === 0) return states;
  const { rows } = await tx.query<StreamStateRow>(
    `WITH versions AS (
       SELECT stream, version FROM ${tables.streamVersions} WHERE stream = ANY($1::text[]) FOR UPDATE
     )
     SELECT stream, version, NULL::jsonb AS event FROM versions
     UNION ALL
     SELECT stream, version, event FROM ${tables.parkedEvents} WHERE stream = ANY($1::text[])`,
    [streams],
  );
  for (const row of rows) {
    if (row.event === null) {
      states.versions.set(row.stream, row.version);
      continue;
    }
    let parked = states.parked.get(row.stream);
    if (!parked) states.parked.set(row.stream, (parked = new Map<number, RecordedEvent>()));
    // Parked events were validated before they were parked.
    parked.set(row.version, row.event);
  }
  return states;
}
