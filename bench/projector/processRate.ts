import { spawn, type ChildProcess } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from '#shared/testing/freePort.js';
import { readStackEnv, repoRoot } from '#shared/testing/stackEnv.js';
import { createTestDatabases } from '#shared/testing/testDatabases.js';
import { LIVE_PROJECTION } from '#shared/views/projectionTables.js';
import { PROJECTOR_NODE_FLAGS } from '../../projector/src/nodeFlags.js';

/**
 * The projector as `forkline run` runs it — `instances` processes of projector/src/main.ts
 * in one consumer group — draining a topic's backlog into a fresh views database, from the
 * first event applied to the last (polled four times a second): what an operator gets from
 * starting that many, a second member's arrival (which moves partitions) included.
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
  try {
    let start: { at: number; applied: number } | undefined;
    const deadline = Date.now() + 600_000;
    for (;;) {
      if (Date.now() > deadline) throw new Error(`the projector processes did not apply ${events} events`);
      const done = await applied();
      if (done >= events && start) {
        return Math.round((events - start.applied) / ((performance.now() - start.at) / 1000));
      }
      if (!start && done > 0) start = { at: performance.now(), applied: done };
      await sleep(250);
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
