import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '#shared/testing/freePort.js';
import { LEADER_LOCK_KEY } from './db/leaderLock.js';
import { waitFor } from '#shared/testing/waitFor.js';
import {
  createHarness,
  expectDenseVersions,
  expectNoDuplicateConfirmations,
  type Harness,
} from './testing/crawlerHarness.js';
import { spawnCrawler, type CrawlerProcess } from './testing/crawlerProcess.js';

/** Two crawler processes on one database: one crawls, the other stands by and takes over. */
describe('crawler leadership', () => {
  let h: Harness;
  let alice: string[];
  const running: CrawlerProcess[] = [];

  const start = async () => {
    const port = await freePort();
    const crawler = spawnCrawler(h, { CRAWLER_METRICS_PORT: String(port) });
    running.push(crawler);
    const status = async () => {
      const res = await fetch(`http://127.0.0.1:${port}/status`).catch(() => undefined);
      return ((await res?.json()) ?? {}) as { state?: string };
    };
    const stateBecomes = (state: string) =>
      crawler.withOutput(
        waitFor(status, (s) => s.state === state, { what: `/status ${state}`, timeoutMs: 60_000 }),
      );
    return { crawler, status, stateBecomes };
  };

  const stop = async (crawler: CrawlerProcess, signal: NodeJS.Signals) => {
    const exited = once(crawler.child, 'exit') as Promise<[number | null]>;
    crawler.child.kill(signal);
    return (await exited)[0];
  };

  beforeAll(async () => {
    h = await createHarness('crawler_leader');
    alice = await h.newUser('alice', ['bech32']);
    for (let i = 0; i < 5; i++) {
      await h.node.sendMany({ [alice[0]!]: 0.01 });
      await h.node.mine(2);
    }
  });
  afterAll(async () => {
    for (const c of running) c.child.kill('SIGKILL');
    await h?.close();
  });

  it('the second crawler stands by until the first dies, then carries on: nothing lost, nothing twice', async () => {
    const first = await start();
    await first.stateBecomes('in-sync');
    const second = await start();
    await second.stateBecomes('standby');
    await h.node.sendMany({ [alice[0]!]: 0.02 });
    await h.node.mine(1);
    await first.crawler.withOutput(h.waitSynced());
    expect((await second.status()).state).toBe('standby'); // still: the first holds the lock

    expect(await stop(first.crawler, 'SIGKILL')).toBeNull();
    await second.stateBecomes('in-sync');
    await h.node.sendMany({ [alice[0]!]: 0.03 });
    await h.node.mine(3);
    await second.crawler.withOutput(h.waitSynced());
    await h.expectOracle();
    await expectDenseVersions(h.db.online);
    await expectNoDuplicateConfirmations(h.db.online);
    const connected = await h.db.online.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM outbox WHERE type = 'BlockConnected'`,
    );
    expect(connected.rows[0]!.n).toBe((await h.node.height()) - h.startHeight + 1);

    // The leader's lock session ends under it (a broken connection, a server restart):
    // it stops (to be restarted as a standby) and the standby takes over.
    const third = await start();
    await third.stateBecomes('standby');
    const exited = once(second.crawler.child, 'exit') as Promise<[number | null]>;
    await h.db.online.query(
      `SELECT pg_terminate_backend(l.pid) FROM pg_locks l
        WHERE l.locktype = 'advisory' AND l.granted AND l.objid = $1`,
      [LEADER_LOCK_KEY],
    );
    expect((await exited)[0]).toBe(1);
    expect(second.crawler.output()).toContain("the leader lock's session");
    await third.stateBecomes('in-sync');
    await h.node.mine(1);
    await third.crawler.withOutput(h.waitSynced());
    await expectNoDuplicateConfirmations(h.db.online);

    // A standby stops cleanly on SIGTERM, and so does the leader.
    const fourth = await start();
    await fourth.stateBecomes('standby');
    expect(await stop(fourth.crawler, 'SIGTERM')).toBe(0);
    expect(await stop(third.crawler, 'SIGTERM')).toBe(0);
  });
});
