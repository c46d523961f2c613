import type { Executor } from '../../../shared/src/db/pool.js';
import type { RecordedEvent } from '../../../shared/src/events/types.js';
import type { ProjectionTables } from './tables.js';

interface ParkedEventRow {
  stream: string;
  version: number;
  event: RecordedEvent;
}

/** Events of `streams` waiting behind a gap, by stream then version. */
export async function selectParkedEvents(
  tx: Executor,
  tables: ProjectionTables,
  streams: string[],
): Promise<Map<string, Map<number, RecordedEvent>>> {
  const byStream = new Map<string, Map<number, RecordedEvent>>();
  if (streams.length === 0) return byStream;
  const { rows } = await tx.query<ParkedEventRow>(
    `SELECT stream, version, event FROM ${tables.parkedEvents} WHERE stream = ANY($1::text[])`,
    [streams],
  );
  for (const row of rows) {
    let parked = byStream.get(row.stream);
    if (!parked) byStream.set(row.stream, (parked = new Map<number, RecordedEvent>()));
    // Parked events were validated before they were parked.
    parked.set(row.version, row.event);
  }
  return byStream;
}

export async function insertParkedEvents(
  tx: Executor,
  tables: ProjectionTables,
  events: RecordedEvent[],
): Promise<void> {
  if (events.length === 0) return;
  await tx.query(
    `INSERT INTO ${tables.parkedEvents} (stream, version, event)
     SELECT * FROM unnest($1::text[], $2::bigint[], $3::jsonb[])
     ON CONFLICT (stream, version) DO NOTHING`,
    [events.map((e) => e.stream), events.map((e) => e.version), events.map((e) => JSON.stringify(e))],
  );
}

export async function deleteParkedEvents(
  tx: Executor,
  tables: ProjectionTables,
  keys: { stream: string; version: number }[],
): Promise<void> {
  if (keys.length === 0) return;
  await tx.query(
    `DELETE FROM ${tables.parkedEvents} AS p
     USING unnest($1::text[], $2::bigint[]) AS k(stream, version)
     WHERE p.stream = k.stream AND p.version = k.version`,
    [keys.map((k) => k.stream), keys.map((k) => k.version)],
  );
}
