import type { Kafka, Producer } from 'kafkajs';
import type { Logger } from '#shared/logging/logger.js';
import { chunkByBytes, messageBytes, type EventMessage } from './toKafkaMessage.js';

/** Below the broker's default message.max.bytes (1 MiB), with room for batch overhead. */
const MAX_REQUEST_BYTES = 900 * 1024;

export type PublishOutcome =
  | { kind: 'acked' }
  /**
   * Kafka did not ack within the timeout. The send goes on in the background (the
   * idempotent producer retries it with the same sequence numbers); `settled` tells
   * whether it was acked in the end.
   */
  | { kind: 'timed-out'; settled: Promise<boolean> };

export interface Publisher {
  connect(): Promise<void>;
  /** Replaces the producer after a failed send (see below); call outside any transaction. */
  ready(): Promise<void>;
  /**
   * Sends messages in order with acks from all in-sync replicas, after every send handed
   * over before it, waiting at most timeoutMs (counted from the hand-over).
   */
  publish(messages: readonly EventMessage[], timeoutMs: number): Promise<PublishOutcome>;
  disconnect(): Promise<void>;
}

/**
 * An idempotent producer with one request in flight per broker: a retried request can
 * neither be written twice nor overtake the one after it, so per-key order holds.
 *
 * Sends queue: several batches may be handed over at once (their transactions overlap),
 * but each starts only once the one before it was acked, and none starts after a failed
 * one, so the messages reach Kafka in hand-over order, and a send never follows a
 * failure with the sequence numbers the failed request may have used.
 *
 * Its retries are left unlimited on purpose. kafkajs rolls a partition's sequence number
 * back when a request fails; a send abandoned after a request that did reach the
 * broker would let the next, different messages reuse those numbers, and the broker
 * would drop them as duplicates. So a send is never abandoned: the caller stops waiting
 * after a timeout (and gives its database transaction back) but the send completes.
 * kafkajs itself still fails a send when reconnecting exhausts the client's retries;
 * the producer is then replaced, and a new producer id starts its sequences afresh.
 */
export function createPublisher(kafka: Kafka, topic: string, log: Logger): Publisher {
  const newProducer = (): Producer =>
    kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      // Must be explicit: kafkajs merges the client-wide retry (createKafka: 8 retries)
      // into the producer's, which would quietly make the idempotent producer give up.
      retry: { retries: Number.MAX_SAFE_INTEGER },
    });
  let producer = newProducer();
  let failed = false;
  /** The last send handed over; settles (never rejects) once it is acked or failed. */
  let tail: Promise<unknown> = Promise.resolve();

  async function sendAll(messages: readonly EventMessage[]): Promise<void> {
    try {
      for (const chunk of chunkByBytes(messages, MAX_REQUEST_BYTES, messageBytes)) {
        await producer.send({ topic, acks: -1, messages: chunk });
      }
    } catch (err) {
      failed = true;
      throw err;
    }
  }

  return {
    connect: () => producer.connect(),
    disconnect: () => producer.disconnect(),
    async ready() {
      await tail;
      if (!failed) return;
      await producer.disconnect().catch(() => undefined);
      producer = newProducer();
      failed = false;
      try {
        await producer.connect();
      } catch (err) {
        failed = true;
        throw err;
      }
      log.info('producer replaced after a failed send');
    },
    async publish(messages, timeoutMs) {
      if (failed) throw new Error('producer not ready: call ready() first');
      const sending = tail.then(() => {
        if (failed) throw new Error('not sent: an earlier send failed');
        return sendAll(messages);
      });
      tail = sending.catch(() => undefined);
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<'timeout'>((resolve) => {
        timer = setTimeout(() => resolve('timeout'), timeoutMs);
      });
      try {
        const first = await Promise.race([sending.then(() => 'acked' as const), timedOut]);
        if (first === 'acked') return { kind: 'acked' };
      } finally {
        clearTimeout(timer);
      }
      const settled = sending.then(
        () => true,
        (err: unknown) => {
          log.warn({ err }, 'background send failed; the batch stays in the outbox');
          return false;
        },
      );
      return { kind: 'timed-out', settled };
    },
  };
}
