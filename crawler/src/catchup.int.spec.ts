import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '#shared/testing/waitFor.js';
import { selectTip } from './db/selectTip.js';
import type { ChainSource } from './node/chainSource.js';
import {
  createHarness,
  expectDenseVersions,
  expectNoDuplicateConfirmations,
  type Harness,
} from './testing/crawlerHarness.js';

/** Catch-up after downtime, a reorg in the middle of it, and wake-ups with and without ZMQ. */
describe('crawler: catch-up and wake-ups', () => {
  let h: Harness;
  let alice: string[];
  let bob: string[];

  /** Mines `blocks` blocks, paying alice or bob in each; returns the txid paid at each height. */
  async function mineWithPayments(blocks: number): Promise<Map<number, string>> {
    await h.node.mine(1); // confirm what an earlier reorg left in the mempool
    const paid = new Map<number, string>();
    for (let i = 0; i < blocks; i++) {
      const txid = await h.node.send(i % 2 ? alice[i % alice.length]! : bob[0]!, 0.01 + i / 1000);
      await h.node.mine(1);
      paid.set(await h.node.height(), txid);
    }
    return paid;
  }

  beforeAll(async () => {
    h = await createHarness('crawler_catchup');
    alice = await h.newUser('alice', ['bech32', 'legacy', 'bech32m']);
    bob = await h.newUser('bob', ['p2sh-segwit']);
  });
  // A failed test must not leave its crawler running into the next one.
  afterEach(async () => {
    await h?.stopCrawler();
  });
  afterAll(async () => {
    await h?.close();
  });

  it('a reorg while the crawler is catching up: it starts over from the new chain', async () => {
    await mineWithPayments(40);
    const tip = await h.node.height();
    const trigger = h.startHeight + 20;
    const fork = trigger - 3;
    let reorg: Promise<unknown> | undefined;
    // The node reorganises the moment the crawler asks for the hash at `trigger`: hashes
    // it asked for before (that batch's included) are of the old chain, those after of the
    // new one.
    const reorgAt = async () => {
      if (!reorg) {
        reorg = h.node.reorg(tip - fork, { dropTxs: true });
        await reorg;
      }
    };
    const source: ChainSource = {
      ...h.source,
      async hashAt(height) {
        const hash = await h.source.hashAt(height);
        if (height === trigger) await reorgAt();
        return hash;
      },
      async hashesFrom(from, count) {
        const hashes = await h.source.hashesFrom(from, count);
        if (from <= trigger && trigger < from + count) await reorgAt();
        return hashes;
      },
    };
    await h.startCrawler({ source, fetchConcurrency: 2 });
    // Only then is "synced" meaningful: while invalidateblock disconnects the old branch
    // one block at a time, the node's best hash passes through the crawler's tip.
    await waitFor(() => reorg !== undefined, Boolean, { what: 'the reorg to start' });
    await reorg;
    await h.waitSynced();
    await h.expectOracle();
    await expectDenseVersions(h.db.online);
    await expectNoDuplicateConfirmations(h.db.online);
    const restarts = (await h.metrics!.syncRestarts.get()).values[0]?.value ?? 0;
    const reverted = (await h.metrics!.blocksReverted.get()).values[0]?.value ?? 0;
    // Either the linkage broke mid-apply (restart) or the old branch was applied and reverted.
    expect(restarts + reverted).toBeGreaterThan(0);
    // Applied in groups (the harness's 5 blocks per transaction): a transaction's blocks share now().
    const { rows } = await h.db.online.query<{ n: number }>(
      'SELECT max(n)::int AS n FROM (SELECT count(*) AS n FROM crawler_blocks GROUP BY applied_at) g',
    );
    expect(rows[0]!.n).toBe(5);
  });

  it('catch-up after downtime resumes from the stored tip', async () => {
    const before = await selectTip(h.db.online);
    await mineWithPayments(5);
    await h.startCrawler();
    await h.waitSynced();
    await h.expectOracle();
    const applied = (await h.metrics!.blocksApplied.get()).values[0]?.value;
    expect(applied).toBe((await h.node.height()) - before!.height);
  });

  it('with ZMQ silent (wrong port) the crawler converges by polling', async () => {
    await h.startCrawler({ zmqEndpoint: 'tcp://127.0.0.1:1', pollIntervalMs: 150 });
    await mineWithPayments(3);
    await h.waitSynced();
    const tip = await h.node.bestHash();
    await h.node.rpc.call('invalidateblock', [tip]);
    await h.waitSynced();
    await h.expectOracle();
    await h.node.rpc.call('reconsiderblock', [tip]);
    await h.waitSynced();
    await h.expectOracle();
  });

  it('with polling all but off, ZMQ alone wakes the sync, the tip going down included', async () => {
    await h.startCrawler({ pollIntervalMs: 3_600_000 });
    // The first pass ran at start; from now on only ZMQ can wake the crawler.
    await waitFor(
      () => h.crawler!.status().state,
      (s) => s === 'in-sync',
      { what: 'in sync' },
    );
    await mineWithPayments(2);
    await h.waitSynced(10_000);
    const tip = await h.node.bestHash();
    const height = await h.node.height();
    // hashblock announces nothing here; only `sequence` (D) reveals the tip went down.
    await h.node.rpc.call('invalidateblock', [tip]);
    await waitFor(
      () => selectTip(h.db.online),
      (t) => t?.height === height - 1,
      {
        what: 'tip one lower',
        timeoutMs: 10_000,
      },
    );
    await h.node.rpc.call('reconsiderblock', [tip]);
    await h.waitSynced(10_000);
    await h.expectOracle();
  });
});
