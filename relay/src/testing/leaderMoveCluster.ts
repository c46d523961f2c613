import { createRequire } from 'node:module';
import {
  Partitioners,
  type Kafka,
  type Message,
  type PartitionMetadata,
  type Producer,
  type ProducerRecord,
  type RecordMetadata,
} from 'kafkajs';

interface ProduceRequest {
  topicData: { topic: string; partitions: { partition: number; messages: Message[] }[] }[];
}
interface Broker {
  nodeId: number;
  produce(request: ProduceRequest): Promise<unknown>;
}
type SendMessages = (request: {
  acks: number;
  topicMessages: { topic: string; messages: Message[] }[];
}) => Promise<RecordMetadata[]>;

// kafkajs's own send path (its retries and per-broker requests), over the fake cluster below.
const require = createRequire(import.meta.url);
const createSendMessages = require('kafkajs/src/producer/sendMessages.js') as (deps: object) => SendMessages;
const createRetry = require('kafkajs/src/retry/index.js') as (options: object) => unknown;
const { KafkaJSConnectionError } = require('kafkajs/src/errors.js') as {
  KafkaJSConnectionError: new (message: string) => Error;
};

const quiet = { debug() {}, info() {}, warn() {}, error() {} };

/**
 * Three brokers leading a topic's six partitions (partition p led by broker p % 3 + 1),
 * reached through kafkajs's real send path (sendMessages, with its retrier). `dies(node,
 * heir)` makes a broker fail the next request it gets, as a broker SIGKILLed with the
 * request in flight, and gives its partitions to `heir` — what the controller does once
 * it notices. `written(p)` is what partition p holds.
 */
export function leaderMoveCluster(topic: string) {
  const leaders = new Map<number, number>(Array.from({ length: 6 }, (_, p) => [p, (p % 3) + 1]));
  const logs = new Map<number, string[]>(Array.from({ length: 6 }, (_, p) => [p, []]));
  const down = new Set<number>();
  let dying: { node: number; heir: number } | undefined;

  const metadata = (): PartitionMetadata[] =>
    [...leaders].map(([partitionId, leader]) => ({
      partitionErrorCode: 0,
      partitionId,
      leader,
      replicas: [1, 2, 3],
      isr: [1, 2, 3],
    }));

  const brokers = new Map<number, Broker>(
    [1, 2, 3].map((nodeId) => [
      nodeId,
      {
        nodeId,
        async produce({ topicData }) {
          await Promise.resolve();
          if (dying?.node === nodeId) {
            for (const [p, leader] of leaders) if (leader === nodeId) leaders.set(p, dying.heir);
            down.add(nodeId);
            dying = undefined;
          }
          if (down.has(nodeId)) throw new KafkaJSConnectionError('Connection error: read ECONNRESET');
          return {
            topics: topicData.map((t) => ({
              topicName: t.topic,
              partitions: t.partitions.map(({ partition, messages }) => {
                const log = logs.get(partition)!;
                const baseOffset = String(log.length);
                log.push(...messages.map((m) => String(m.value)));
                return { partition, errorCode: 0, baseOffset, logAppendTime: '-1', logStartOffset: '0' };
              }),
            })),
          };
        },
      },
    ]),
  );

  const cluster = {
    isConnected: () => true,
    connect: () => Promise.resolve(),
    refreshMetadata: () => Promise.resolve(),
    refreshMetadataIfNecessary: () => Promise.resolve(),
    addMultipleTargetTopics: () => Promise.resolve(),
    removeBroker: () => undefined,
    findTopicPartitionMetadata: () => metadata(),
    findLeaderForPartitions: (_topic: string, partitions: string[]) => {
      const byLeader: Record<number, number[]> = {};
      for (const p of partitions.map(Number)) (byLeader[leaders.get(p)!] ??= []).push(p);
      return byLeader;
    },
    findBroker: ({ nodeId }: { nodeId: number | string }) => Promise.resolve(brokers.get(Number(nodeId))!),
  };
  const eosManager = {
    acquireBrokerLock: () => Promise.resolve(),
    releaseBrokerLock: () => Promise.resolve(),
    isTransactional: () => false,
    getSequence: () => 0,
    updateSequence: () => undefined,
    getProducerId: () => 1,
    getProducerEpoch: () => 0,
  };
  const sendMessages = createSendMessages({
    logger: quiet,
    cluster,
    partitioner: Partitioners.DefaultPartitioner(),
    eosManager,
    retrier: createRetry({ initialRetryTime: 5, maxRetryTime: 20, retries: 10 }),
  });

  const producer = {
    connect: () => Promise.resolve(),
    disconnect: () => Promise.resolve(),
    send: (record: ProducerRecord) =>
      sendMessages({ acks: record.acks ?? -1, topicMessages: [{ topic, messages: record.messages }] }),
  } as unknown as Producer;
  const admin = {
    connect: () => Promise.resolve(),
    disconnect: () => Promise.resolve(),
    fetchTopicMetadata: () => Promise.resolve({ topics: [{ name: topic, partitions: metadata() }] }),
  };
  const kafka = { producer: () => producer, admin: () => admin } as unknown as Kafka;

  return {
    kafka,
    send: sendMessages,
    dies(node: number, heir: number) {
      dying = { node, heir };
    },
    leaderOf: (partition: number) => leaders.get(partition),
    written: (partition: number) => logs.get(partition)!,
  };
}
