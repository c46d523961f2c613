import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKafka } from '#shared/kafka/createKafka.js';
import { createLogger } from '#shared/logging/logger.js';
import { waitFor } from '#shared/testing/waitFor.js';
import { expectSettled } from '../src/scenario/expectSettled.js';
import { regtestFromStack, startForkline, type ForklineInstance } from '../src/scenario/forklineInstance.js';
import { startKafkaCluster, type KafkaCluster } from '../src/scenario/kafkaCluster.js';
import { underSteadyLoad, type LoadCount } from '../src/scenario/steadyLoad.js';
import { createWalletUsers, type WalletUsers } from '../src/scenario/walletUsers.js';

const USERS = ['ann', 'ben', 'cat', 'dan', 'eve', 'fay'];

/**
 * forkline on a three-broker cluster (replication factor 3, min.insync.replicas 2) under a
 * steady load of payments and blocks, while one broker is killed (SIGKILL) and restarted,
 * then the leader of a partition the same way. At the end every balance equals what
 * bitcoind says, every stream's every version is on the topic, the projection applied each
 * stream to its last version, and nothing is parked. Then the whole cluster goes down for
 * 60 s: the outbox keeps every event meanwhile, and drains once Kafka is back.
 */
describe('faults: Kafka brokers killed under load (three-broker cluster)', () => {
  const node = regtestFromStack();
  const log = createLogger('faults', 'silent');
  let cluster: KafkaCluster;
  let forkline: ForklineInstance;
  let users: WalletUsers;
  const load: LoadCount = { payments: 0, blocks: 0 };

  beforeAll(async () => {
    await node.ensureFunds(20);
    cluster = await startKafkaCluster('faults');
    forkline = await startForkline('faults_kafka', (await node.height()) - 2, {
      KAFKA_BROKERS: cluster.brokers,
      KAFKA_REPLICATION_FACTOR: '3',
      KAFKA_MIN_INSYNC_REPLICAS: '2',
    });
    users = createWalletUsers(node, forkline.bff);
    for (const user of USERS) await users.register(user, ['bech32']);
  }, 300_000);
  afterAll(async () => {
    await forkline?.stop();
    await cluster?.destroy();
  });

  const underLoad = (fault: () => Promise<void>) => underSteadyLoad(node, users, USERS, load, fault);
  const settled = () =>
    expectSettled(node, forkline, users, async () => `--- the cluster ---\n${await cluster.describe()}`);

  const leaderOfPartitionZero = async () => {
    const kafka = createKafka({ brokers: cluster.brokers.split(','), clientId: 'faults-admin', log });
    const admin = kafka.admin();
    await admin.connect();
    const { topics } = await admin.fetchTopicMetadata({ topics: [forkline.env.RELAY_TOPIC!] });
    await admin.disconnect();
    return topics[0]!.partitions.find((p) => p.partitionId === 0)!.leader;
  };

  it('one broker killed and restarted, then a partition leader: nothing lost, balances right', async () => {
    const started = Date.now();
    await underLoad(async () => {
      cluster.kill(3);
      await sleep(5_000); // writes go on: two in-sync replicas are left
      await cluster.start();
    });
    await underLoad(async () => {
      const leader = await leaderOfPartitionZero();
      cluster.kill(leader);
      await sleep(5_000);
      await cluster.start();
    });
    await node.mine(1);
    load.blocks++;
    const integrity = await settled();
    console.info('Kafka broker faults:', { ...load, ...integrity, totalMs: Date.now() - started });
    expect(integrity.messages).toBeGreaterThan(load.payments);
  }, 600_000);

  it('the whole cluster down for 60 s: the outbox backlog grows (shown by /v1/status), then drains', async () => {
    const outbox = async () =>
      (await forkline.bff.request<{ outbox: { backlog?: number } }>('GET', '/v1/status')).body.outbox
        .backlog ?? 0;
    let peakBacklog = 0;
    let drainedMs = 0;
    await underLoad(async () => {
      for (const n of [1, 2, 3]) cluster.kill(n);
      const down = Date.now();
      while (Date.now() - down < 60_000) {
        peakBacklog = Math.max(peakBacklog, await outbox());
        await sleep(2_000);
      }
      const back = Date.now();
      await cluster.start();
      await waitFor(outbox, (b) => b === 0, { what: 'the outbox to drain', timeoutMs: 120_000 });
      drainedMs = Date.now() - back;
    });
    await node.mine(1);
    load.blocks++;
    const integrity = await settled();
    console.info('Kafka down for 60 s:', { ...load, peakBacklog, drainedMs, ...integrity });
    expect(peakBacklog).toBeGreaterThan(0);
  }, 600_000);
});
