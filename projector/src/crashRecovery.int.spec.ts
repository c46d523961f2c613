import { spawn } from 'node:child_process';
import { Registry } from 'prom-client';
import { KafkaJSNonRetriableError } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RecordedEvent } from '#shared/events/types.js';
import { readStackEnv, repoRoot } from '#shared/testing/stackEnv.js';
import { createTestTopic } from '#shared/testing/testTopic.js';
import { waitFor } from '#shared/testing/waitFor.js';
import { createProjector } from './createProjector.js';
import { projectionStatus } from '#shared/views/projectionStatus.js';
import { projectionTables } from '#shared/views/projectionTables.js';
import { createProjectorMetrics } from './metrics.js';
import { confirmed, publish, userEvents } from './testing/events.js';
import { createProjectorTestbed, type ProjectorTestbed } from './testing/projectorHarness.js';

let bed: ProjectorTestbed;
beforeAll(async () => {
  bed = await createProjectorTestbed('crash');
});
afterAll(() => bed.close());

describe('projector killed after its SQL commit, before its offset commit', () => {
  it('applies nothing twice after the restart', async () => {
    const { topic, groupId } = await createTestTopic(bed.kafka, 'crash', 3);
    const expected = new Map<string, number>();
    const events: RecordedEvent[] = [];
    for (let u = 0; u < 30; u++) {
      const stream = userEvents(`u${u}`);
      events.push(stream.next({ type: 'UserRegistered', payload: { userId: `u${u}` } }));
      for (let i = 1; i <= 10; i++) {
        const delta = (u + 1) * 100 - i;
        events.push(stream.next(confirmed(`u${u}-${i}`, `b${i}`, i, { deltaSats: delta })));
        expected.set(`u${u}`, (expected.get(`u${u}`) ?? 0) + delta);
      }
    }
    await publish(bed.producer, topic, events);

    // The real process (tsx), SIGKILLed by its own hook after the first SQL commit.
    const stack = readStackEnv();
    const child = spawn('npx', ['tsx', 'projector/src/testing/crashAfterCommitMain.ts'], {
      cwd: repoRoot,
      stdio: ['ignore', 'ignore', 'pipe'],
      env: {
        ...process.env,
        VIEWS_DATABASE_URL: bed.dbs.viewsUrl,
        KAFKA_BROKERS: stack.KAFKA_BROKERS,
        PROJECTOR_TOPIC: topic,
        PROJECTOR_GROUP_ID: groupId,
        LOG_LEVEL: 'error',
        // The killed member holds its partitions until its session expires: keep it short.
        PROJECTOR_SESSION_TIMEOUT_MS: '6000',
      },
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exit = await new Promise<{ code: number | null; signal: string | null }>((resolve) =>
      child.on('exit', (code, signal) => resolve({ code, signal })),
    );
    // npx forwards the child's fate: killed by the signal, or 128 + 9.
    expect(exit.signal === 'SIGKILL' || exit.code === 137, `exit ${JSON.stringify(exit)} ${stderr}`).toBe(
      true,
    );

    const t = projectionTables();
    const applied = async () =>
      (
        await bed.views.query<{ n: number }>(
          `SELECT coalesce(sum(version), 0)::int AS n FROM ${t.streamVersions}`,
        )
      ).rows[0]!.n;
    const appliedBeforeCrash = await applied();
    expect(appliedBeforeCrash).toBeGreaterThan(0);
    const admin = bed.kafka.admin();
    await admin.connect();
    const offsets = await admin.fetchOffsets({ groupId, topics: [topic] });
    await admin.disconnect();
    expect(offsets[0]!.partitions.map((p) => p.offset)).toEqual(['-1', '-1', '-1']);

    // Restart in the same group: the committed batch comes again and is absorbed.
    const metrics = createProjectorMetrics(new Registry(), () => projectionStatus(bed.views));
    const projector = createProjector({
      db: bed.views,
      kafka: bed.kafka,
      log: bed.log,
      metrics,
      config: { topic, groupId, maxWaitTimeInMs: 100, heartbeatIntervalMs: 500 },
    });
    await projector.start();
    try {
      await waitFor(applied, (n) => n === events.length, { what: 'every event applied' });
      const { rows } = await bed.views.query<{ user_id: string; confirmed_sats: number; tx_count: number }>(
        `SELECT user_id, confirmed_sats, tx_count FROM ${t.balances}`,
      );
      expect(rows).toHaveLength(30);
      for (const row of rows)
        expect(row).toEqual({
          user_id: row.user_id,
          confirmed_sats: expected.get(row.user_id),
          tx_count: 10,
        });
      // The re-delivered batch may come after the others have completed the streams.
      const duplicates = async () =>
        (await metrics.events.get()).values
          .filter((v) => v.labels.outcome === 'duplicate')
          .reduce((sum, v) => sum + v.value, 0);
      await waitFor(duplicates, (n) => n >= appliedBeforeCrash, {
        what: `the ${appliedBeforeCrash} events applied before the crash to come again as duplicates`,
      });
      expect(await duplicates()).toBe(appliedBeforeCrash);
      const changes = await bed.views.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM ${t.activityChanges}`,
      );
      expect(changes.rows[0]!.n).toBe(300);
    } finally {
      await projector.close();
    }
  });
});

/**
 * kafkajs gives up on an error it deems not retriable: the consumer stops and does not
 * restart. The projector then reports it (failed()), so its process exits and is started
 * again, instead of staying up and consuming nothing; the next one applies every event once.
 */
describe('projector: a Kafka consumer that stopped for good', () => {
  it('is reported by failed(), and a new projector applies every event exactly once', async () => {
    const scenario = await bed.scenario('consumer-crash', 1);
    const stream = userEvents('alice');
    await scenario.send(
      [1, 2, 3].map((i) => stream.next(confirmed(`tx-${i}`, `b${i}`, i, { deltaSats: i * 1_000 }))),
    );

    const { projector } = await scenario.start(
      {},
      {
        afterFetch: () => {
          throw new KafkaJSNonRetriableError('broker says no (test)');
        },
      },
    );
    const timeout = new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error('failed() never settled')), 20_000).unref(),
    );
    const err = await Promise.race([projector.failed(), timeout]);
    expect(err.message).toContain('broker says no (test)');
    expect(await scenario.balance('alice')).toBeUndefined();
    await projector.close();

    await scenario.start();
    await scenario.waitForVersion(stream.stream, 3);
    const balance = await waitFor(
      () => scenario.balance('alice'),
      (b) => b?.version === 3,
      { what: 'alice at version 3' },
    );
    expect(balance).toMatchObject({ confirmed_sats: 6_000, tx_count: 3 });
  });
});
