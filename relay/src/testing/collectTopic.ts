import type { IHeaders, Kafka } from 'kafkajs';
import { parseRecordedEvent } from '#shared/events/schemas.js';
import type { RecordedEvent } from '#shared/events/types.js';
import type { Delivered } from './analyseDelivery.js';

export interface CollectedMessage extends Delivered {
  key: string;
  partition: number;
  headers: Record<string, string>;
  event: RecordedEvent;
  receivedAt: number;
}

export interface TopicCollector {
  messages: CollectedMessage[];
  /** Messages whose value parseRecordedEvent refused. */
  rejected: string[];
  close(): Promise<void>;
}

/** Reads a topic from the beginning in its own consumer group, parsing every value. */
export async function collectTopic(kafka: Kafka, topic: string, groupId: string): Promise<TopicCollector> {
  const messages: CollectedMessage[] = [];
  const rejected: string[] = [];
  const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 100 });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachBatch: ({ batch }) => {
      const receivedAt = performance.now();
      for (const m of batch.messages) {
        const parsed = parseRecordedEvent(JSON.parse(m.value?.toString() ?? 'null'));
        if (!parsed.ok) {
          rejected.push(parsed.reason);
          continue;
        }
        messages.push({
          eventId: parsed.event.id,
          stream: parsed.event.stream,
          version: parsed.event.version,
          key: m.key?.toString() ?? '',
          partition: batch.partition,
          headers: headerStrings(m.headers),
          event: parsed.event,
          receivedAt,
        });
      }
      return Promise.resolve();
    },
  });
  return { messages, rejected, close: () => consumer.disconnect() };
}

function headerStrings(headers: IHeaders | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (value !== undefined) out[name] = Array.isArray(value) ? String(value[0]) : String(value);
  }
  return out;
}
