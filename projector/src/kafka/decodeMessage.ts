import type { KafkaMessage } from 'kafkajs';
import { parseRecordedEvent } from '#shared/events/schemas.js';
import type { RecordedEvent } from '#shared/events/types.js';
import type { DeadLetter } from '../db/insertDeadLetters.js';

export type DecodedMessage =
  { ok: true; offset: string; event: RecordedEvent } | { ok: false; offset: string; deadLetter: DeadLetter };

/**
 * A Kafka message → a validated event, or a dead letter with its reason. The stream
 * of a poison message is taken from its envelope when readable, else from its `stream`
 * header, else from the message key (the relay keys by stream, an order's events by
 * their user's), so the stopped stream can be named.
 */
export function decodeMessage(message: KafkaMessage, topic: string, partition: number): DecodedMessage {
  const raw = message.value?.toString('utf8') ?? '';
  let json: unknown;
  let reason: string;
  try {
    json = JSON.parse(raw);
    const parsed = parseRecordedEvent(json);
    if (parsed.ok) return { ok: true, offset: message.offset, event: parsed.event };
    reason = parsed.reason;
  } catch (err) {
    reason = message.value === null ? 'message has no value' : `invalid JSON: ${(err as Error).message}`;
  }
  const envelope = (typeof json === 'object' && json !== null ? json : {}) as Record<string, unknown>;
  const stream =
    typeof envelope.stream === 'string' && envelope.stream !== '' ? envelope.stream : keyOf(message);
  const version =
    typeof envelope.version === 'number' && Number.isSafeInteger(envelope.version) ? envelope.version : null;
  return {
    ok: false,
    offset: message.offset,
    deadLetter: {
      stream: stream === null ? null : pgText(stream),
      version,
      topic,
      partition,
      offset: message.offset,
      reason: pgText(reason),
      raw: pgText(raw),
    },
  };
}

/** The stream header, else the message key: read for poison messages only (two strings per message saved). */
function keyOf(message: KafkaMessage): string | null {
  const header = message.headers?.stream;
  return (
    (header === undefined || Array.isArray(header) ? undefined : header.toString()) ??
    message.key?.toString('utf8') ??
    null
  );
}

// PostgreSQL text cannot hold NUL: one such byte would fail the batch forever.
const pgText = (s: string) => s.replaceAll('\u0000', '\\u0000');
