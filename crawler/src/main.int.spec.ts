import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '#shared/testing/freePort.js';
import { waitFor } from '#shared/testing/waitFor.js';
import { selectTip } from './db/selectTip.js';
import {
  createHarness,
  expectDenseVersions,
  expectNoDuplicateConfirmations,
  type Harness,
} from './testing/crawlerHarness.js';
import { spawnCrawler, type CrawlerProcess } from './testing/crawlerProcess.js';

/** The crawler as a process: killed with SIGKILL mid catch-up, restarted, stopped with SIGTERM. */
describe('crawler process', () => {
  let h: Harness;
  let crawler: CrawlerProcess | undefined;
  let metricsPort: number;

  const startProcess = () => spawnCrawler(h, { CRAWLER_METRICS_PORT: String(metricsPort) });

  const tipHeight = async () => (await selectTip(h.db.online))?.height ?? -1;

  beforeAll(async () => {
    h = await createHarness('crawler_process');
    // Asked of the OS: a random pick may be an ephemeral port some connection holds.
    metricsPort = await freePort();
    const alice = await h.newUser('alice', ['bech32', 'legacy']);
    const bob = await h.newUser('bob', ['bech32m']);
    // 100 blocks to catch up on, a quarter of them paying customers.
    for (let i = 0; i < 25; i++) {
      await h.node.sendMany({ [alice[i % 2]!]: 0.02, [bob[0]!]: 0.01 });
      await h.node.mine(4);
    }
  });
  afterAll(async () => {
    crawler?.child.kill('SIGKILL');
    await h?.close();
  });

  it('killed with SIGKILL in the middle of catch-up, then restarted: equals the oracle, nothing twice', async () => {
    const target = await h.node.height();
    crawler = startProcess();
    await crawler.withOutput(
      waitFor(tipHeight, (t) => t >= h.startHeight + 20, { intervalMs: 5, what: 'catch-up under way' }),
    );
    crawler.child.kill('SIGKILL');
    await once(crawler.child, 'exit');
    const killedAt = await tipHeight();
    expect(killedAt).toBeLessThan(target);

    crawler = startProcess();
    await crawler.withOutput(h.waitSynced(60_000));
    await h.expectOracle();
    await expectDenseVersions(h.db.online);
    await expectNoDuplicateConfirmations(h.db.online);
    const dup = await h.db.online.query(
      `SELECT stream, payload->>'txid', payload->>'blockHash' FROM outbox WHERE type = 'TxConfirmed'
        GROUP BY 1, 2, 3 HAVING count(*) > 1`,
    );
    expect(dup.rows).toEqual([]);
    const connected = await h.db.online.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM outbox WHERE type = 'BlockConnected'`,
    );
    expect(connected.rows[0]!.n).toBe(target - h.startHeight + 1);
  });

  it('serves /status and /metrics, and stops cleanly on SIGTERM', async () => {
    const status = await crawler!.withOutput(
      waitFor(
        async () =>
          (await fetch(`http://127.0.0.1:${metricsPort}/status`)).json() as Promise<Record<string, unknown>>,
        (s) => s.state === 'in-sync',
        { what: '/status in-sync' },
      ),
    );
    expect(status).toMatchObject({ behindBlocks: 0, watchedScripts: 3, mempool: { pendingTxs: 0 } });
    expect((status.ourTip as { hash: string }).hash).toBe((status.nodeTip as { hash: string }).hash);
    const metrics = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
    expect(metrics).toMatch(/forkline_crawler_blocks_applied_total\{process="crawler"\} \d+/);
    expect(metrics).toMatch(/forkline_crawler_tip_height/);
    crawler!.child.kill('SIGTERM');
    const [code] = (await once(crawler!.child, 'exit')) as [number | null];
    expect({ code, output: code === 0 ? '' : crawler!.output().slice(-2000) }).toEqual({
      code: 0,
      output: '',
    });
    crawler = undefined;
  });
});
