import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTradingHarness, type TradingHarness } from '../testing/tradingHarness.js';
import { createPlacementGroups, type PlacementWork } from './createPlacementGroups.js';

// BIP 173's regtest vector: these orders are never settled.
const ADDRESS = 'bcrt1qw508d6qejxtdg4y5r3zarvary0c5xw7kygt080';

describe('placement group commit (real PostgreSQL)', () => {
  let h: TradingHarness;

  beforeAll(async () => {
    h = await createTradingHarness('trading-groups', { placementConcurrency: 1 });
    await h.db.pool.query('CREATE TABLE placement_probe (name text PRIMARY KEY)');
  });
  afterAll(() => h.close());

  /** A group: `works` queued behind a placement that holds the only slot until released. */
  async function queuedBehindBlocker<T>(works: [string, PlacementWork<T>][]) {
    const sizes: number[] = [];
    const groups = createPlacementGroups(h.db.pool, {
      concurrency: 1,
      maxGroupSize: 32,
      onCommit: (n) => sizes.push(n),
    });
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const blocker = groups.run('blocker', () => held);
    const results = works.map(([user, work]) => groups.run(user, work));
    release();
    await blocker;
    return { sizes, results: await Promise.allSettled(results) };
  }

  const insert =
    (name: string, fail = false): PlacementWork<string> =>
    async (tx) => {
      await tx.query('INSERT INTO placement_probe (name) VALUES ($1)', [name]);
      if (fail) throw new Error(`${name} refused after writing`);
      return name;
    };

  const probe = async () =>
    (await h.db.pool.query<{ name: string }>('SELECT name FROM placement_probe ORDER BY name')).rows.map(
      (r) => r.name,
    );

  it('commits the placements that waited together in one transaction', async () => {
    const { sizes, results } = await queuedBehindBlocker([
      ['u1', insert('d')],
      ['u2', insert('e')],
      ['u3', insert('f')],
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled']);
    expect(sizes).toEqual([1, 3]);
    expect(await probe()).toEqual(['d', 'e', 'f']);
  });

  it('a placement failing after its writes commits none of them, and the others still commit', async () => {
    const { sizes, results } = await queuedBehindBlocker([
      ['u1', insert('a', true)],
      ['u2', insert('b')],
      ['u3', insert('c')],
    ]);
    expect(results[0]).toMatchObject({ status: 'rejected', reason: { message: 'a refused after writing' } });
    expect(results.slice(1)).toEqual([
      { status: 'fulfilled', value: 'b' },
      { status: 'fulfilled', value: 'c' },
    ]);
    // The group rolled back whole; the failed one then ran alone, the others together.
    expect(sizes).toEqual([1, 2]);
    expect(await probe()).toEqual(['b', 'c', 'd', 'e', 'f']);
  });

  it('through the API: a burst of orders is grouped, each placed once, a reused key refused alone', async () => {
    expect((await h.call('PUT', '/price', { eurPerBtc: 60_000 })).status).toBe(200);
    const order = (userId: string, amountSats: number) => ({
      userId,
      side: 'buy',
      amountSats,
      limitPriceEurCents: 1,
      receiveAddress: ADDRESS,
      spendAddresses: [ADDRESS],
    });
    const key = { 'idempotency-key': 'burst-key-1' };
    const burst = await Promise.all([
      ...Array.from({ length: 30 }, (_, i) => h.call('POST', '/orders', order(`user${i % 7}`, 1_000 + i))),
      h.call('POST', '/orders', order('keyed', 5_000), { headers: key }),
      h.call('POST', '/orders', order('keyed', 6_000), { headers: key }),
    ]);
    const statuses = burst.map((r) => r.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(31);
    expect(burst.filter((r) => r.json.code === 'IDEMPOTENCY_KEY_REUSED')).toHaveLength(1);

    const placed = burst.filter((r) => r.status === 201).map((r) => r.json.orderId as string);
    expect(new Set(placed).size).toBe(31);
    for (const orderId of placed) {
      expect((await h.orderEvents(orderId)).map((e) => e.type)).toEqual(['OrderPlaced']);
    }
    const { rows } = await h.db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM orders');
    expect(rows[0]!.n).toBe(31);

    const metrics = (await h.trading.app.inject({ url: '/metrics' })).body;
    const commits = Number(
      /forkline_trading_placements_per_transaction_count(?:{[^}]*})? (\d+)/.exec(metrics)?.[1],
    );
    const placements = Number(
      /forkline_trading_placements_per_transaction_sum(?:{[^}]*})? (\d+)/.exec(metrics)?.[1],
    );
    expect(placements).toBe(31);
    expect(commits).toBeLessThan(31);
  });
});
