import { spawn, type ChildProcess } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from '#shared/testing/freePort.js';
import { readStackEnv, repoRoot } from '#shared/testing/stackEnv.js';
import { createTestDatabases } from '#shared/testing/testDatabases.js';
import { LIVE_PROJECTION } from '#shared/views/projectionTables.js';
import { PROJECTOR_NODE_FLAGS } from '../../projector/src/nodeFlags.js';

/**
 * The projector as `forkline run` runs it — `instances` processes of projector/src/main.ts
 * in one consumer group — draining a topic into a fresh views database. The rate is taken
 * from the moment every process has committed a batch (the group has settled: the second
 * member's arrival moves partitions) to the last event applied, polled twice a second.
 */
export async function processRate(topic: string, events: number, instances: number): Promise<number> {
  const dbs = await createTestDatabases('bench_projector_proc');
  const groupId = `bench-proc-${instances}-${Date.now()}`;
  const ports = await Promise.all(Array.from({ length: instances }, () => freePort()));
  const children: ChildProcess[] = ports.map((port) =>
    spawn(process.execPath, [...PROJECTOR_NODE_FLAGS, '--import', 'tsx', 'projector/src/main.ts'], {
      cwd: repoRoot,
      stdio: 'ignore',
      env: {
        ...process.env,
        ...readStackEnv(),
        VIEWS_DATABASE_URL: dbs.viewsUrl,
        PROJECTOR_TOPIC: topic,
        PROJECTOR_GROUP_ID: groupId,
        PROJECTOR_METRICS_PORT: String(port),
        LOG_LEVEL: 'warn',
      },
    }),
  );
  const applied = async () =>
    Number(
      (
        await dbs.views.query<{ n: number }>(
          `SELECT coalesce(sum(version), 0)::bigint AS n FROM ${LIVE_PROJECTION.streamVersions}`,
        )
      ).rows[0]!.n,
    );
  const committedBatch = async (port: number) => {
    const res = await fetch(`http://127.0.0.1:${port}/status`).catch(() => undefined);
    const status = ((await res?.json().catch(() => undefined)) ?? {}) as { partitions?: object };
    return Object.keys(status.partitions ?? {}).length > 0;
  };
  try {
    let start: { at: number; applied: number } | undefined;
    const deadline = Date.now() + 600_000;
    for (;;) {
      if (Date.now() > deadline) throw new Error(`the projector processes did not apply ${events} events`);
      const done = await applied();
      if (done >= events) {
        if (!start) throw new Error('finished before every process had a batch: too few events to measure');
        return Math.round((events - start.applied) / ((performance.now() - start.at) / 1000));
      }
      if (!start && (await Promise.all(ports.map(committedBatch))).every(Boolean)) {
        start = { at: performance.now(), applied: done };
      }
      await sleep(500);
    }
  } finally {
    for (const child of children) child.kill('SIGTERM');
    await Promise.all(
      children.map(
        (c) => new Promise((resolve) => (c.exitCode === null ? c.once('exit', resolve) : resolve(null))),
      ),
    );
    await dbs.drop();
  }
}
