import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '#shared/testing/freePort.js';
import { waitFor } from '#shared/testing/waitFor.js';
import { createHarness, type Harness } from './testing/crawlerHarness.js';
import { spawnCrawler, type CrawlerProcess } from './testing/crawlerProcess.js';
import { pendingRows, userEvents } from './testing/userEvents.js';
import { withCoinsLocked } from './testing/walletTxs.js';

/** The crawler process SIGKILLed while payments stream into the mempool, then restarted. */
describe('crawler process: the mempool across a SIGKILL', () => {
  let h: Harness;
  let crawler: CrawlerProcess | undefined;
  let users: Record<string, string>;

  const start = async () => (crawler = spawnCrawler(h, { CRAWLER_METRICS_PORT: String(await freePort()) }));
  /** One payment to alice or bob from the node wallet, never spending their own coins. */
  const pay = (i: number) => {
    const to = i % 2 === 0 ? users.alice! : users.bob!;
    return withCoinsLocked(h.node, Object.values(users), () => h.node.send(to, 0.01 + i / 10_000));
  };
  const lines = async () => [
    ...(await userEvents(h.db.online, 'alice')).lines,
    ...(await userEvents(h.db.online, 'bob')).lines,
  ];

  beforeAll(async () => {
    h = await createHarness('crawler_mempool_kill');
    await h.node.mine(1);
    const [alice] = await h.newUser('alice');
    const [bob] = await h.newUser('bob');
    users = { alice: alice!, bob: bob! };
  });
  afterAll(async () => {
    crawler?.child.kill('SIGKILL');
    await h?.close();
  });

  it('records each mempool entry once, and the drops that happened while it was down', async () => {
    await start();
    await crawler!.withOutput(h.waitSynced(30_000));
    const sent: string[] = [];
    for (let i = 0; i < 12; i++) sent.push(await pay(i));
    // Killed while the last payments are still being recorded (or just after).
    crawler!.child.kill('SIGKILL');
    await once(crawler!.child, 'exit');
    for (let i = 12; i < 18; i++) sent.push(await pay(i));
    // Replaced while nobody watched: only the next snapshot can tell.
    const { txid: bumped } = await h.node.walletCall<{ txid: string }>('bumpfee', [sent[1]!]);
    await start();
    for (let i = 18; i < 24; i++) sent.push(await pay(i));
    const live = [...sent.filter((t) => t !== sent[1]), bumped];
    await crawler!.withOutput(
      waitFor(pendingRows.bind(null, h.db.online), (rows) => live.every((t) => rows.has(t)), {
        what: 'every payment pending after the restart',
      }),
    );
    const before = await lines();
    for (const txid of live) expect(before.filter((l) => l === `TxPending ${txid}`)).toHaveLength(1);
    // The original of the bump: pending at most once (it may have been replaced before the
    // first crawler saw it), then dropped as replaced exactly once.
    expect(before.filter((l) => l === `TxPending ${sent[1]}`).length).toBeLessThanOrEqual(1);
    if (before.includes(`TxPending ${sent[1]}`))
      expect(before.filter((l) => l === `TxDropped ${sent[1]} replaced`)).toHaveLength(1);
    expect(before.filter((l) => l.startsWith('TxDropped') && !l.includes(sent[1]!))).toEqual([]);
    expect((await pendingRows(h.db.online)).size).toBe(live.length);

    await h.node.mine(1);
    await crawler!.withOutput(h.waitSynced(30_000));
    await waitFor(pendingRows.bind(null, h.db.online), (rows) => rows.size === 0, { what: 'all mined' });
    const after = await lines();
    for (const txid of live) expect(after.filter((l) => l === `TxConfirmed ${txid}`)).toHaveLength(1);
    expect(after.filter((l) => l.startsWith('TxDropped')).length).toBe(
      before.filter((l) => l.startsWith('TxDropped')).length,
    );
    await h.expectOracle();
  });
});
