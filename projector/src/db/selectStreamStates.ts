import { arrayLiteral, valuesLiteral } from '#shared/db/arrayLiteral.js';
import type { Executor } from '#shared/db/pool.js';
import type { RecordedEvent } from '#shared/events/types.js';
import type { ProjectionTables } from '#shared/views/projectionTables.js';

export interface StreamStates {
  /** Applied version per stream (0 = none applied yet). */
  versions: Map<string, number>;
  /** Events waiting behind a gap, by stream then version. */
  parked: Map<string, Map<number, RecordedEvent>>;
  /** Streams whose row this call created, at their `versionIfNew`: none read above. */
  created: Set<string>;
}

/**
 * Locks the version rows of `streams` until commit, then reads their applied versions
 * and parked events. Two transactions holding one stream's events (a revoked partition's
 * batch still retried by its old owner, a stream whose events sit in two partitions)
 * serialise on that row, and the second one sees everything the first committed:
 *  - a stream's row is created before it is locked, so a new stream and a stream whose
 *    batch only parks are locked like any other: a second transaction's insert of the
 *    same stream waits for the first to commit, then finds the row and locks it;
 *  - rows are created and locked in stream order, so two batches never deadlock;
 *  - the parked events are read by a statement that starts after the lock is held: a
 *    statement that waited for a lock still reads the snapshot it started with, and
 *    would miss the events the other transaction parked.
 * A row this transaction creates is `created`: nothing was applied or parked on it (both
 * need the row), so the caller's plan from version 0 is final and the row is created at
 * that plan's version (`versionIfNew`) instead of at 0 and moved after — for a replay,
 * where nearly every stream is new, that is the compare-and-set's cost saved. Only the
 * existing rows are then locked and read.
 * `alsoLock` are streams whose rows the batch writes without applying their events: an
 * order's events write its user's rows, which that user's stream writes too, so an order
 * batch also holds the user's stream. (Both are published in the user's partition, see
 * partitionKey, so this rarely waits; it still matters when partitions move between
 * consumers, and for events published before orders were keyed by user.) They are locked in the same
 * sorted statements (no deadlock), at version 0 when new.
 */
export async function selectStreamStates(
  tx: Executor,
  tables: ProjectionTables,
  streams: string[],
  alsoLock: readonly string[] = [],
  versionIfNew: ReadonlyMap<string, number> = new Map(),
): Promise<StreamStates> {
  const states: StreamStates = { versions: new Map(), parked: new Map(), created: new Set() };
  if (streams.length === 0) return states;
  const sorted = [...new Set([...streams, ...alsoLock])].sort();
  const inserted = await tx.query<{ stream: string }>(
    `INSERT INTO ${tables.streamVersions} (stream, version)
     SELECT * FROM unnest($1::text[], $2::bigint[])
     ON CONFLICT (stream) DO NOTHING
     RETURNING stream`,
    [valuesLiteral(sorted), arrayLiteral(sorted, (stream) => versionIfNew.get(stream) ?? 0)],
  );
  for (const row of inserted.rows) states.created.add(row.stream);
  const existing = sorted.filter((stream) => !states.created.has(stream));
  if (existing.length === 0) return states;
  const own = new Set(streams);
  // FOR UPDATE re-reads a row it waited for, so the version is the committed one.
  const versions = await tx.query<{ stream: string; version: number }>(
    `SELECT stream, version FROM ${tables.streamVersions}
      WHERE stream = ANY($1::text[]) ORDER BY stream FOR UPDATE`,
    [valuesLiteral(existing)],
  );
  for (const row of versions.rows) states.versions.set(row.stream, row.version);
  const parked = await tx.query<{ stream: string; version: number; event: RecordedEvent }>(
    `SELECT stream, version, event FROM ${tables.parkedEvents} WHERE stream = ANY($1::text[])`,
    [valuesLiteral(existing.filter((stream) => own.has(stream)))],
  );
  for (const row of parked.rows) {
    let events = states.parked.get(row.stream);
    if (!events) states.parked.set(row.stream, (events = new Map<number, RecordedEvent>()));
    // Parked events were validated before they were parked.
    events.set(row.version, row.event);
  }
  return states;
}
