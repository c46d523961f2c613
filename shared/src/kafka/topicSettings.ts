import { network, positiveInt } from '../config/fields.js';
import { ConfigError } from '../config/loadConfig.js';

/** What the events topic must be: Kafka is the event store, the only lasting copy. */
export interface TopicSettings {
  partitions: number;
  replicationFactor: number;
  /** With acks=all, a write is acknowledged once this many replicas hold it. */
  minInsyncReplicas: number;
  /** Weaker settings than these refuse to start (everywhere but regtest, where they warn). */
  strict: boolean;
}

/** The topic variables every process that may create or check the topic reads. */
export const topicSettingsShape = {
  KAFKA_TOPIC_PARTITIONS: positiveInt(6),
  KAFKA_REPLICATION_FACTOR: positiveInt(1),
  KAFKA_MIN_INSYNC_REPLICAS: positiveInt(1),
  BITCOIN_NETWORK: network(),
};

export function topicSettingsFrom(c: {
  KAFKA_TOPIC_PARTITIONS: number;
  KAFKA_REPLICATION_FACTOR: number;
  KAFKA_MIN_INSYNC_REPLICAS: number;
  BITCOIN_NETWORK: string;
}): TopicSettings {
  if (c.KAFKA_MIN_INSYNC_REPLICAS > c.KAFKA_REPLICATION_FACTOR) {
    throw new ConfigError(
      `invalid configuration: KAFKA_MIN_INSYNC_REPLICAS: must be at most KAFKA_REPLICATION_FACTOR ` +
        `(got ${c.KAFKA_MIN_INSYNC_REPLICAS} > ${c.KAFKA_REPLICATION_FACTOR}): no write could ever be acknowledged`,
    );
  }
  return {
    partitions: c.KAFKA_TOPIC_PARTITIONS,
    replicationFactor: c.KAFKA_REPLICATION_FACTOR,
    minInsyncReplicas: c.KAFKA_MIN_INSYNC_REPLICAS,
    strict: c.BITCOIN_NETWORK !== 'regtest',
  };
}

/** The defaults: one broker, as the regtest stack runs it. */
export const regtestTopicSettings: TopicSettings = Object.freeze({
  partitions: 6,
  replicationFactor: 1,
  minInsyncReplicas: 1,
  strict: false,
});

/** What the topic is, as the cluster describes it. */
export interface TopicState {
  partitions: number;
  /** The fewest replicas any partition has. */
  replicationFactor: number;
  config: Record<string, string | undefined>;
}

/**
 * How the topic falls short of the settings, in words an operator can act on; empty when
 * it does not. Retention must be infinite and unclean leader election off: either would
 * let Kafka drop events the outbox no longer holds.
 */
export function topicWeaknesses(topic: string, state: TopicState, wanted: TopicSettings): string[] {
  const out: string[] = [];
  const minIsr = Number(state.config['min.insync.replicas'] ?? 1);
  if (state.partitions < wanted.partitions)
    out.push(`${topic} has ${state.partitions} partitions, ${wanted.partitions} configured`);
  if (state.replicationFactor < wanted.replicationFactor)
    out.push(
      `${topic} has replication factor ${state.replicationFactor}, ${wanted.replicationFactor} configured`,
    );
  if (minIsr < wanted.minInsyncReplicas)
    out.push(`${topic} has min.insync.replicas ${minIsr}, ${wanted.minInsyncReplicas} configured`);
  for (const name of ['retention.ms', 'retention.bytes']) {
    if (state.config[name] !== undefined && state.config[name] !== '-1')
      out.push(`${topic} has ${name}=${state.config[name]}: events would be deleted (must be -1)`);
  }
  if (state.config['unclean.leader.election.enable'] === 'true')
    out.push(`${topic} has unclean.leader.election.enable=true: a lagging replica could lose acked events`);
  return out;
}
