import type { Executor } from '#shared/db/pool.js';
import type { RecordedEvent } from '#shared/events/types.js';
import type { ProjectionTables } from '#shared/views/projectionTables.js';

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
