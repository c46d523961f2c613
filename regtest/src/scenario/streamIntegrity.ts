import type { Kafka } from 'kafkajs';
import type { Pool } from '#shared/db/pool.js';
import { waitFor } from '#shared/testing/waitFor.js';
import { LIVE_PROJECTION } from '#shared/views/projectionTables.js';

export interface StreamIntegrity {
  /** Messages on the topic. */
  messages: number;
  /** Messages carrying an event id seen before (at-least-once delivery, absorbed by versions). */
  duplicates: number;
  /** Versions a writer recorded that no message on the topic carries. */
  lost: number;
  /** Streams whose projected version is not the writers' last. */
  behindStreams: string[];
  /** Events parked in the projection, waiting for a predecessor. */
  parked: number;
}

/**
 * Reads the whole topic and checks every stream against what its writers recorded
 * (`stream_versions` of the online and trading databases): each version 1..last is on the
 * topic (none lost), the projection applied each stream up to its last version, and
 * nothing is left parked. Waits until the projection has caught up (timeoutMs).
 */
export async function checkStreamIntegrity(options: {
  kafka: Kafka;
  topic: string;
  writers: Pool[];
  views: Pool;
  timeoutMs?: number;
}): Promise<StreamIntegrity> {
  const { kafka, topic, writers, views } = options;
  const last = new Map<string, number>();
  for (const db of writers) {
    const { rows } = await db.query<{ stream: string; version: number }>(
      'SELECT stream, version FROM stream_versions',
    );
    for (const r of rows) last.set(r.stream, r.version);
  }
  const behind = async () => {
    const { rows } = await views.query<{ stream: string; version: number }>(
      `SELECT stream, version FROM ${LIVE_PROJECTION.streamVersions}`,
    );
    const projected = new Map(rows.map((r) => [r.stream, r.version]));
    return [...last].filter(([stream, v]) => (projected.get(stream) ?? 0) < v).map(([stream]) => stream);
  };
  const behindStreams = await waitFor(behind, (b) => b.length === 0, {
    what: 'the projection to apply every stream',
    timeoutMs: options.timeoutMs ?? 120_000,
  }).catch(() => behind());

  const seen = new Map<string, Set<number>>();
  const ids = new Set<string>();
  let messages = 0;
  const admin = kafka.admin();
  await admin.connect();
  const ends = await admin.fetchTopicOffsets(topic);
  await admin.disconnect();
  const remaining = new Set(ends.filter((p) => p.high !== '0').map((p) => p.partition));
  const consumer = kafka.consumer({ groupId: `integrity-${Date.now()}`, maxWaitTimeInMs: 100 });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const done = new Promise<void>((resolve) => {
    if (remaining.size === 0) resolve();
    void consumer.run({
      eachMessage: ({ partition, message }) => {
        messages++;
        const h = message.headers ?? {};
        const stream = h.stream?.toString() ?? '';
        const id = h['event-id']?.toString() ?? '';
        ids.add(id);
        const versions = seen.get(stream) ?? new Set<number>();
        versions.add(Number(h.version?.toString()));
        seen.set(stream, versions);
        const end = ends.find((p) => p.partition === partition)!;
        if (BigInt(message.offset) + 1n >= BigInt(end.high)) remaining.delete(partition);
        if (remaining.size === 0) resolve();
        return Promise.resolve();
      },
    });
  });
  await done;
  await consumer.disconnect();

  let lost = 0;
  for (const [stream, v] of last) {
    const have = seen.get(stream) ?? new Set<number>();
    for (let n = 1; n <= v; n++) if (!have.has(n)) lost++;
  }
  const { rows } = await views.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM ${LIVE_PROJECTION.parkedEvents}`,
  );
  return { messages, duplicates: messages - ids.size, lost, behindStreams, parked: rows[0]!.n };
}
