import { randomUUID } from 'node:crypto';
import type { Executor } from '../db/pool.js';
import { partitionKey } from '../events/partitionKey.js';
import type { ForklineEvent, RecordedEvent } from '../events/types.js';
import { OUTBOX_CHANNEL, OUTBOX_TABLE, STREAM_VERSIONS_TABLE } from './appendSql.js';

/**
 * Appends to several streams at once in two statements, whatever the number of streams:
 * one multi-row upsert of the version rows (returning the new versions), one insert of
 * every event followed by a single NOTIFY (appendToStream once per stream would cost
 * three round trips each). Same contract as appendToStream: inside the caller's transaction, versions dense per stream, version rows locked in
 * sorted stream order (so two writers touching the same streams cannot deadlock),
 * recorded events returned in stream order.
 */
export async function appendToManyStreams(
  tx: Executor,
  byStream: Map<string, ForklineEvent[]>,
  occurredAt: Date = new Date(),
): Promise<RecordedEvent[]> {
  const streams = [...byStream.keys()].filter((s) => byStream.get(s)!.length > 0).sort();
  if (streams.length === 0) return [];
  const { rows } = await tx.query<{ stream: string; version: number }>(
    `INSERT INTO ${STREAM_VERSIONS_TABLE} AS s (stream, version)
     SELECT v.stream, v.version FROM unnest($1::text[], $2::bigint[]) WITH ORDINALITY AS v (stream, version, ord)
      ORDER BY ord
     ON CONFLICT (stream) DO UPDATE SET version = s.version + EXCLUDED.version
     RETURNING stream, version`,
    [streams, streams.map((s) => byStream.get(s)!.length)],
  );
  const last = new Map(rows.map((r) => [r.stream, r.version]));
  const at = occurredAt.toISOString();
  const recorded: RecordedEvent[] = [];
  for (const stream of streams) {
    const events = byStream.get(stream)!;
    const first = last.get(stream)! - events.length + 1;
    events.forEach((e, i) =>
      recorded.push({ ...e, id: randomUUID(), stream, version: first + i, occurredAt: at }),
    );
  }
  await tx.query(
    `WITH inserted AS (
       INSERT INTO ${OUTBOX_TABLE} (event_id, stream, version, type, payload, occurred_at, partition_key)
       SELECT e.id, e.stream, e.version, e.type, e.payload::jsonb, $6, nullif(e.key, e.stream)
         FROM unnest($1::uuid[], $2::text[], $3::bigint[], $4::text[], $5::text[], $8::text[]) WITH ORDINALITY
              AS e (id, stream, version, type, payload, key, ord)
        ORDER BY e.ord
       RETURNING 1)
     SELECT pg_notify($7, '') FROM (SELECT count(*) FROM inserted) AS n`,
    [
      recorded.map((e) => e.id),
      recorded.map((e) => e.stream),
      recorded.map((e) => e.version),
      recorded.map((e) => e.type),
      recorded.map((e) => JSON.stringify(e.payload)),
      at,
      OUTBOX_CHANNEL,
      recorded.map((e) => partitionKey(e.stream, e.payload)),
    ],
  );
  return recorded;
}
