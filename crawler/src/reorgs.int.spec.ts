import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isForklineError } from '#shared/errors/catalogue.js';
import { waitFor } from '#shared/testing/waitFor.js';
import { selectTip } from './db/selectTip.js';
import {
  createHarness,
  expectDenseVersions,
  expectNoDuplicateConfirmations,
  type Harness,
} from './testing/crawlerHarness.js';
import { spend, utxosOf } from './testing/walletTxs.js';

/**
 * Reorgs of every kind the node can report; after each, every user's balance equals
 * what scantxoutset says, and the outbox stays dense.
 */
describe('crawler: reorgs', () => {
  let h: Harness;
  let alice: string[];
  let bob: string[];

  /** A block paying alice and one where alice spends an older coin to bob, then `depth - 1` more blocks. */
  async function activity(depth: number): Promise<{ paid: string }> {
    await h.node.mine(1); // confirm whatever the last scenario left in the mempool
    const paid = await h.node.send(alice[0]!, 0.3);
    const older = (await utxosOf(h.node, [alice[1]!])).find((u) => u.confirmations > 0);
    const txids = [paid];
    if (older) txids.push(await spend(h.node, [older], { [bob[0]!]: older.sats - 3_000 }));
    await h.node.mineBlockWith(txids);
    if (depth > 1) await h.node.mine(depth - 1);
    await h.waitSynced();
    await h.expectOracle();
    // keep alice's second address funded for the next scenario's spend
    await h.node.send(alice[1]!, 0.2);
    await h.node.mine(1);
    await h.waitSynced();
    return { paid };
  }

  async function afterReorg() {
    await h.waitSynced();
    await h.expectOracle();
    await expectDenseVersions(h.db.online);
    await expectNoDuplicateConfirmations(h.db.online);
  }

  beforeAll(async () => {
    h = await createHarness('crawler_reorgs');
    await h.startCrawler();
    alice = await h.newUser('alice', ['bech32', 'bech32m']);
    bob = await h.newUser('bob', ['legacy']);
    await h.node.send(alice[1]!, 0.5);
    await h.node.mine(1);
    await h.waitSynced();
  });
  afterAll(async () => {
    await h?.close();
  });

  for (const depth of [1, 6]) {
    it(`depth ${depth}: the same transactions are mined again`, async () => {
      await activity(depth - 1 || 1);
      const reverted = h.metrics!.blocksReverted;
      const before = (await reverted.get()).values[0]?.value ?? 0;
      await h.node.reorg(depth);
      await afterReorg();
      expect((await reverted.get()).values[0]?.value).toBe(before + depth);
    });

    it(`depth ${depth}: a transaction vanishes`, async () => {
      await activity(depth);
      await h.node.reorg(depth + 1, { dropTxs: true });
      await afterReorg();
    });

    it(`depth ${depth}: a conflicting double-spend confirms instead`, async () => {
      const { paid } = await activity(depth);
      await h.node.reorg(depth + 1, { doubleSpend: paid });
      await afterReorg();
      const { rows } = await h.db.online.query('SELECT 1 FROM wallet_transactions WHERE txid = $1', [paid]);
      expect(rows).toEqual([]);
    });
  }

  it('a reorg to a chain of the same height', async () => {
    await activity(2);
    const before = await h.node.height();
    await h.node.reorg(2, { dropTxs: true, extraBlocks: -1 });
    expect(await h.node.height()).toBe(before);
    await afterReorg();
  });

  it('the node’s tip goes down (invalidateblock, nothing mined), then back up', async () => {
    await activity(2);
    const tip = await h.node.bestHash();
    const height = await h.node.height();
    await h.node.rpc.call('invalidateblock', [tip]);
    await waitFor(
      () => selectTip(h.db.online),
      (t) => t?.height === height - 1,
      { what: 'tip one lower' },
    );
    await afterReorg();
    await h.node.rpc.call('reconsiderblock', [tip]);
    await waitFor(
      () => selectTip(h.db.online),
      (t) => t?.hash === tip,
      { what: 'tip back' },
    );
    await afterReorg();
  });

  it('a reorg deeper than our history stops the crawler and changes nothing', async () => {
    const tipBefore = await selectTip(h.db.online);
    const outboxBefore = await h.db.online.query<{ n: number }>('SELECT count(*)::int AS n FROM outbox');
    const depth = tipBefore!.height - h.startHeight + 2; // the fork point is below our first block
    await h.stopCrawler();
    await h.node.reorg(depth, { dropTxs: true });
    const crawler = await h.startCrawler();
    const failure = await crawler.done().then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(isForklineError(failure, 'REORG_TOO_DEEP')).toBe(true);
    expect((failure as Error).message).toMatch(/deeper than our history/);
    expect(crawler.status().state).toBe('failed');
    expect(await selectTip(h.db.online)).toEqual(tipBefore);
    const outboxAfter = await h.db.online.query<{ n: number }>('SELECT count(*)::int AS n FROM outbox');
    expect(outboxAfter.rows[0]!.n).toBe(outboxBefore.rows[0]!.n);
  });
});
