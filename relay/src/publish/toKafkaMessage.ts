import type { OutboxEvent } from '../db/takeUnpublishedBatch.js';

/** Header names of every published message; the value stays the authoritative envelope. */
export const EVENT_HEADERS = {
  type: 'event-type',
  stream: 'stream',
  version: 'version',
  eventId: 'event-id',
} as const;

export interface EventMessage {
  key: string;
  value: string;
  headers: Record<string, string>;
}

/**
 * The Kafka message of one outbox row: key = its partition key (its stream, or its user's
 * stream for an order's events: one partition per stream, so its order survives), value = the recorded-event envelope {id, type, stream, version,
 * occurredAt, payload} that the projector's parseRecordedEvent accepts. The payload's
 * JSON text is spliced in as PostgreSQL returned it, sparing a parse and a stringify of
 * every event.
 */
export function toKafkaMessage(event: OutboxEvent): EventMessage {
  const head = JSON.stringify({
    id: event.eventId,
    type: event.type,
    stream: event.stream,
    version: event.version,
    occurredAt: event.occurredAt.toISOString(),
  });
  return {
    key: event.partitionKey,
    value: `${head.slice(0, -1)},"payload":${event.payloadJson}}`,
    headers: {
      [EVENT_HEADERS.type]: event.type,
      [EVENT_HEADERS.stream]: event.stream,
      [EVENT_HEADERS.version]: String(event.version),
      [EVENT_HEADERS.eventId]: event.eventId,
    },
  };
}

/** Rough wire size of a message, enough to keep requests under the broker's size limit. */
export function messageBytes(message: EventMessage): number {
  let bytes = Buffer.byteLength(message.key) + Buffer.byteLength(message.value) + 70;
  for (const [name, value] of Object.entries(message.headers)) bytes += name.length + value.length + 2;
  return bytes;
}

/**
 * Splits messages, in order, into consecutive chunks of at most `maxBytes` each (a single
 * larger message gets a chunk of its own). Kafka refuses a record batch above
 * message.max.bytes (1 MiB by default), and a batch of big events for one stream
 * all lands in one partition's record batch.
 */
export function chunkByBytes<M>(messages: readonly M[], maxBytes: number, size: (m: M) => number): M[][] {
  const chunks: M[][] = [];
  let current: M[] = [];
  let bytes = 0;
  for (const message of messages) {
    const s = size(message);
    if (current.length > 0 && bytes + s > maxBytes) {
      chunks.push(current);
      current = [];
      bytes = 0;
    }
    current.push(message);
    bytes += s;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}
