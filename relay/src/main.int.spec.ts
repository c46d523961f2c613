import { spawn, type ChildProcess } from 'node:child_process';
import type { Kafka } from 'kafkajs';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '#shared/testing/freePort.js';
import { readStackEnv, repoRoot } from '#shared/testing/stackEnv.js';
import { createTestDatabases, type TestDatabases } from '#shared/testing/testDatabases.js';
import { createTestTopic } from '#shared/testing/testTopic.js';
import { waitFor } from '#shared/testing/waitFor.js';
import { readOutboxBacklog } from '#shared/outbox/readOutboxBacklog.js';
import { analyseDelivery } from './testing/analyseDelivery.js';
import { collectTopic } from './testing/collectTopic.js';
import { testKafka } from './testing/relayHarness.js';
import { writeEvents } from './testing/writeEvents.js';

const GATE_LOCK = 4_242;

/** `npx tsx relay/src/main.ts` in a process group of its own, so SIGKILL reaches the node process. */
function spawnRelay(env: Record<string, string>): ChildProcess {
  const child = spawn('npx', ['tsx', 'relay/src/main.ts'], {
    cwd: repoRoot,
    env: { ...process.env, LOG_LEVEL: 'warn', ...env },
    detached: true,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  return child;
}

function killGroup(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    process.kill(-child.pid!, 'SIGKILL');
  } catch {
    return Promise.resolve();
  }
  return exited;
}

describe('relay process killed mid-batch (real PostgreSQL and Kafka)', () => {
  let dbs: TestDatabases;
  let kafka: Kafka;
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    dbs = await createTestDatabases('relay-kill');
    kafka = testKafka();
  });
  afterAll(async () => {
    await Promise.all(children.map(killGroup));
    await dbs.drop();
  });

  it('after SIGKILL between Kafka ack and commit, a restart delivers every event at least once', async () => {
    const { topic, groupId } = await createTestTopic(kafka, 'relay-kill', 3);
    const expected = await writeEvents(dbs.online, { prefix: 'kill', count: 3_000, streams: 12 });

    // A gate in the relay's COMMIT (a deferred trigger on its DELETE): the first batch
    // reaches Kafka, then waits here, so the kill lands exactly between publish and commit.
    const gate = new pg.Client({ connectionString: dbs.onlineUrl });
    await gate.connect();
    await gate.query(`CREATE FUNCTION relay_test_gate() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN PERFORM pg_advisory_xact_lock_shared(${GATE_LOCK}); RETURN NULL; END $$`);
    await gate.query(`CREATE CONSTRAINT TRIGGER relay_test_gate AFTER DELETE ON outbox
      DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION relay_test_gate()`);
    await gate.query('SELECT pg_advisory_lock($1)', [GATE_LOCK]);

    const env = {
      ONLINE_DATABASE_URL: dbs.onlineUrl,
      KAFKA_BROKERS: readStackEnv().KAFKA_BROKERS,
      RELAY_TOPIC: topic,
      RELAY_BATCH_SIZE: '500',
      RELAY_POLL_INTERVAL_MS: '200',
    };
    const seen = await collectTopic(kafka, topic, groupId);
    try {
      const first = spawnRelay({ ...env, RELAY_METRICS_PORT: String(await freePort()) });
      children.push(first);
      await waitFor(
        () => seen.messages.length,
        (n) => n >= 500,
        {
          what: 'the first batch in Kafka',
          timeoutMs: 60_000,
        },
      );
      expect((await readOutboxBacklog(dbs.online)).backlog).toBe(3_000); // published, not deleted
      await killGroup(first);
      // Its sessions wait in COMMIT, which would still go through once the gate opens:
      // end them, as if the process had died before it sent the COMMIT.
      await gate.query(
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
          WHERE datname = current_database() AND application_name = 'forkline-relay'`,
      );
      await waitFor(
        async () =>
          (
            await gate.query<{ n: number }>(
              `SELECT count(*)::int AS n FROM pg_stat_activity
                WHERE datname = current_database() AND application_name = 'forkline-relay'`,
            )
          ).rows[0]!.n,
        (n) => n === 0,
        { what: 'the killed relay sessions to end' },
      );

      await gate.query('SELECT pg_advisory_unlock($1)', [GATE_LOCK]);
      await gate.query('DROP TRIGGER relay_test_gate ON outbox');

      const second = spawnRelay({ ...env, RELAY_METRICS_PORT: String(await freePort()) });
      children.push(second);
      await waitFor(
        () => analyseDelivery(expected, seen.messages).missing.length,
        (n) => n === 0,
        { what: 'every event after the restart', timeoutMs: 60_000 },
      );
      await waitFor(
        () => readOutboxBacklog(dbs.online),
        (b) => b.backlog === 0,
        {
          what: 'an empty outbox',
        },
      );
      const report = analyseDelivery(expected, seen.messages);
      console.info('relay killed mid-batch:', { ...report, missing: report.missing.length });
      expect(report.missing).toEqual([]);
      // The killed batch went out twice: at least once, and the duplicates are counted.
      expect(report.duplicates).toBeGreaterThanOrEqual(500);
      expect(report.outOfOrderStreams).toEqual([]);
      expect(seen.rejected).toEqual([]);
      await killGroup(second);
    } finally {
      await seen.close();
      await gate.end();
    }
  });
});
