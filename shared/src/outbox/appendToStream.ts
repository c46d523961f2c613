import { randomUUID } from 'node:crypto';
import type { Executor } from '../db/pool.js';
import type { ForklineEvent, RecordedEvent } from '../events/types.js';

export const OUTBOX_TABLE = 'outbox';
export const STREAM_VERSIONS_TABLE = 'stream_versions';
/** Writers NOTIFY this channel; the relay LISTENs so it wakes at commit time. */
export const OUTBOX_CHANNEL = 'forkline_outbox';

/**
 * Appends events to one stream inside the caller's transaction. The version row is
 * locked by the upsert until commit, so concurrent writers of a stream serialise and
 * versions stay dense (1, 2, 3 …) and ordered by commit.
 */
export async function appendToStream(
  tx: Executor,
  stream: string,
  events: ForklineEvent[],
  occurredAt: Date = new Date(),
): Promise<RecordedEvent[]> {
  if (events.length === 0) return [];
  const { rows } = await tx.query<{ version: number }>(
    `INSERT INTO ${STREAM_VERSIONS_TABLE} AS s (stream, version) VALUES ($1, $2)
     ON CONFLICT (stream) DO UPDATE SET version = s.version + EXCLUDED.version
     RETURNING version`,
    [stream, events.length],
  );
  const last = rows[0]!.version;
  const recorded = events.map((e, i): RecordedEvent => ({
    ...e,
    id: randomUUID(),
    stream,
    version: last - events.length + 1 + i,
    occurredAt: occurredAt.toISOString(),
  }));
  await insertOutboxRows(tx, recorded);
  return recorded;
}

async function insertOutboxRows(tx: Executor, events: RecordedEvent[]): Promise<void> {
  const values: unknown[] = [];
  const tuples = events.map((e, i) => {
    values.push(e.id, e.stream, e.version, e.type, JSON.stringify(e.payload), e.occurredAt);
    const o = i * 6;
    return `($${o + 1}, $${o + 2}, $${o + 3}, $${o + 4}, $${o + 5}::jsonb, $${o + 6})`;
  });
  await tx.query(
    `INSERT INTO ${OUTBOX_TABLE} (event_id, stream, version, type, payload, occurred_at) VALUES ${tuples.join(', ')}`,
    values,
  );
  await tx.query('SELECT pg_notify($1, $2)', [OUTBOX_CHANNEL, '']);
}
