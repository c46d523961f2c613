import { describe, expect, it } from 'vitest';
import { ConfigError } from '../config/loadConfig.js';
import { topicSettingsFrom, topicWeaknesses, type TopicSettings } from './topicSettings.js';

const production: TopicSettings = {
  partitions: 12,
  replicationFactor: 3,
  minInsyncReplicas: 2,
  strict: true,
};
const sound = {
  partitions: 12,
  replicationFactor: 3,
  config: {
    'min.insync.replicas': '2',
    'retention.ms': '-1',
    'retention.bytes': '-1',
    'unclean.leader.election.enable': 'false',
  },
};

describe('topicWeaknesses', () => {
  it('finds nothing when the topic is as configured, or stronger', () => {
    expect(topicWeaknesses('events', sound, production)).toEqual([]);
    expect(
      topicWeaknesses(
        'events',
        {
          ...sound,
          partitions: 24,
          replicationFactor: 5,
          config: { ...sound.config, 'min.insync.replicas': '3' },
        },
        production,
      ),
    ).toEqual([]);
  });

  it('names each way the topic is weaker', () => {
    const weak = {
      partitions: 3,
      replicationFactor: 1,
      config: {
        'min.insync.replicas': '1',
        'retention.ms': '604800000',
        'retention.bytes': '-1',
        'unclean.leader.election.enable': 'true',
      },
    };
    expect(topicWeaknesses('events', weak, production)).toEqual([
      'events has 3 partitions, 12 configured',
      'events has replication factor 1, 3 configured',
      'events has min.insync.replicas 1, 2 configured',
      'events has retention.ms=604800000: events would be deleted (must be -1)',
      'events has unclean.leader.election.enable=true: a lagging replica could lose acked events',
    ]);
  });
});

describe('topicSettingsFrom', () => {
  const env = {
    KAFKA_TOPIC_PARTITIONS: 6,
    KAFKA_REPLICATION_FACTOR: 3,
    KAFKA_MIN_INSYNC_REPLICAS: 2,
    BITCOIN_NETWORK: 'mainnet',
  };

  it('is strict everywhere but regtest', () => {
    expect(topicSettingsFrom(env)).toEqual({
      partitions: 6,
      replicationFactor: 3,
      minInsyncReplicas: 2,
      strict: true,
    });
    expect(topicSettingsFrom({ ...env, BITCOIN_NETWORK: 'regtest' }).strict).toBe(false);
  });

  it('refuses more in-sync replicas than replicas', () => {
    expect(() => topicSettingsFrom({ ...env, KAFKA_MIN_INSYNC_REPLICAS: 4 })).toThrow(ConfigError);
    expect(() => topicSettingsFrom({ ...env, KAFKA_MIN_INSYNC_REPLICAS: 4 })).toThrow(
      /KAFKA_MIN_INSYNC_REPLICAS: must be at most KAFKA_REPLICATION_FACTOR/,
    );
  });
});
