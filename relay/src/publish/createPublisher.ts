import { Partitioners, type Kafka, type PartitionMetadata, type Producer } from 'kafkajs';
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
  /** Reads the topic's partitions (it must exist) and connects the producer. */
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
 * Each send to kafkajs holds one partition's messages only (a batch's partitions are
 * sent side by side), each message's partition chosen as kafkajs's default partitioner
 * chooses it (murmur2 of the key), and a send counts as acked only when Kafka's answer
 * acknowledges that partition. kafkajs keeps, across the retries of one send, the
 * answers of the brokers that already acked their part: when a partition's leader dies
 * and the partition moves to one of those brokers, the retry sends it nowhere and the
 * send resolves as acked, its messages never written (seen with a broker SIGKILLed under
 * load: acked events missing from the topic, their streams stopped at the gap). With one
 * partition per send, a retry always goes to the partition's leader of the moment.
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
  /** The topic's partitions, read once at connect: a key's partition never changes while we run. */
  let partitions: PartitionMetadata[] = [];
  const partitioner = Partitioners.DefaultPartitioner();

  async function readPartitions(): Promise<PartitionMetadata[]> {
    const admin = kafka.admin();
    await admin.connect();
    try {
      const { topics } = await admin.fetchTopicMetadata({ topics: [topic] });
      const found = topics[0]?.partitions ?? [];
      if (found.length === 0) throw new Error(`topic ${topic} has no partitions`);
      return found;
    } finally {
      await admin.disconnect();
    }
  }

  /** The messages by partition, each partition's in hand-over order. */
  function byPartition(messages: readonly EventMessage[]): Map<number, EventMessage[]> {
    const groups = new Map<number, EventMessage[]>();
    for (const message of messages) {
      const partition = partitioner({ topic, partitionMetadata: partitions, message });
      const group = groups.get(partition);
      if (group) group.push(message);
      else groups.set(partition, [message]);
    }
    return groups;
  }

  async function sendPartition(partition: number, messages: readonly EventMessage[]): Promise<void> {
    for (const chunk of chunkByBytes(messages, MAX_REQUEST_BYTES, messageBytes)) {
      const answer = await producer.send({
        topic,
        acks: -1,
        messages: chunk.map((m) => ({ ...m, partition })),
      });
      if (!answer.some((r) => r.partition === partition && r.errorCode === 0)) {
        throw new Error(`Kafka's answer does not acknowledge partition ${partition} of ${topic}`);
      }
    }
  }

  async function sendAll(messages: readonly EventMessage[]): Promise<void> {
    // Every partition's send ends before the batch does, so a failure leaves none running
    // behind a replaced producer.
    const results = await Promise.allSettled(
      [...byPartition(messages)].map(([partition, group]) => sendPartition(partition, group)),
    );
    const failure = results.find((r) => r.status === 'rejected');
    if (failure) {
      failed = true;
      throw failure.reason;
    }
  }

  return {
    async connect() {
      partitions = await readPartitions();
      await producer.connect();
    },
    disconnect: () => producer.disconnect(),
    async ready() {
      // Only after a failure: waiting for the sends in flight otherwise would keep the next
      // batch from being taken while the one before waits for its ack.
      if (!failed) return;
      // Replaced once every send handed over has ended: none is left on the old producer.
      await tail;
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
      if (partitions.length === 0) throw new Error('publisher not connected: call connect() first');
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
