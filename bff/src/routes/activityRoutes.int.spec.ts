import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectProblem } from '../testing/expectProblem.js';
import {
  blockHash,
  fakeTxid,
  seedActivity,
  seedBlocks,
  seedOrderActivity,
  seedUser,
} from '../testing/seedViews.js';
import { createTestApp, json, type TestApp } from '../testing/testApp.js';

describe('GET /v1/users/:userId/activities (inject)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp('bff-activities');
    // A chain above the activities' heights, for confirmations to count from.
    await seedBlocks(t.dbs.views, 0, 12);
    await seedUser(t.dbs.views, 'active');
    await seedUser(t.dbs.views, 'quiet');
    // heights 1..5 confirmed, one reverted (no block)
    for (let i = 1; i <= 5; i++) {
      await seedActivity(t.dbs.views, 'active', {
        txid: fakeTxid(`a${i}`),
        blockHeight: i,
        amountSats: i * 100,
      });
    }
    await seedActivity(t.dbs.views, 'active', {
      txid: fakeTxid('rev'),
      status: 'reverted',
      blockHeight: null,
      type: 'withdrawal',
      amountSats: -50,
    });
  });
  afterAll(() => t.close());

  it('newest first, with confirmations from the tip, null for a reverted one', async () => {
    const res = await t.app.inject({ url: '/v1/users/active/activities', headers: t.admin });
    expect(res.statusCode).toBe(200);
    const body = json<{
      items: Record<string, unknown>[];
      nextCursor: string | null;
      tip: { height: number };
    }>(res);
    expect(body.nextCursor).toBeNull();
    expect(body.items.map((i) => i.txid)).toEqual([
      fakeTxid('rev'),
      ...[5, 4, 3, 2, 1].map((i) => fakeTxid(`a${i}`)),
    ]);
    expect(body.items[0]).toMatchObject({
      status: 'reverted',
      confirmations: null,
      blockHeight: null,
      blockHash: null,
      type: 'withdrawal',
      amountSats: -50,
    });
    expect(body.items[1]).toMatchObject({
      status: 'confirmed',
      blockHeight: 5,
      blockHash: blockHash(5),
      amountSats: 500,
      type: 'receive',
      confirmations: body.tip.height - 5 + 1,
    });
    expect(new Date(body.items[1]!.firstSeenAt as string).toISOString()).toBe(body.items[1]!.firstSeenAt);
  });

  it('mempool activities: pending, replaced and dropped, with their reason and replacement', async () => {
    await seedUser(t.dbs.views, 'mempool');
    await seedActivity(t.dbs.views, 'mempool', { txid: fakeTxid('mined'), blockHeight: 12, coinbase: true });
    await seedActivity(t.dbs.views, 'mempool', {
      txid: fakeTxid('first'),
      status: 'replaced',
      blockHeight: null,
      type: 'withdrawal',
      amountSats: -700,
      dropReason: 'replaced',
      replacedBy: fakeTxid('bump'),
      replaceable: true,
    });
    await seedActivity(t.dbs.views, 'mempool', {
      txid: fakeTxid('bump'),
      status: 'pending',
      blockHeight: null,
      type: 'withdrawal',
      amountSats: -750,
      replaceable: false,
    });
    await seedActivity(t.dbs.views, 'mempool', {
      txid: fakeTxid('lost'),
      status: 'dropped',
      blockHeight: null,
      amountSats: 300,
      dropReason: 'conflict',
      replaceable: true,
    });
    const res = await t.app.inject({ url: '/v1/users/mempool/activities', headers: t.admin });
    expect(res.statusCode).toBe(200);
    const items = json<{ items: Record<string, unknown>[] }>(res).items;
    const none = { blockHeight: null, blockHash: null, confirmations: null };
    // A chain row has no order columns and no settlement.
    const noOrder = {
      orderId: null,
      limitPriceEurCents: null,
      priceEurCents: null,
      eurCents: null,
      rejectReason: null,
      settlement: null,
    };
    expect(items).toEqual([
      {
        txid: fakeTxid('lost'),
        type: 'receive',
        amountSats: 300,
        status: 'dropped',
        ...none,
        replacedBy: null,
        dropReason: 'conflict',
        replaceable: true,
        firstSeenAt: expect.any(String) as string,
        ...noOrder,
      },
      {
        txid: fakeTxid('bump'),
        type: 'withdrawal',
        amountSats: -750,
        status: 'pending',
        ...none,
        replacedBy: null,
        dropReason: null,
        replaceable: false,
        firstSeenAt: expect.any(String) as string,
        ...noOrder,
      },
      {
        txid: fakeTxid('first'),
        type: 'withdrawal',
        amountSats: -700,
        status: 'replaced',
        ...none,
        replacedBy: fakeTxid('bump'),
        dropReason: 'replaced',
        replaceable: true,
        firstSeenAt: expect.any(String) as string,
        ...noOrder,
      },
      {
        txid: fakeTxid('mined'),
        type: 'receive',
        amountSats: 1000,
        status: 'confirmed',
        blockHeight: 12,
        blockHash: blockHash(12),
        confirmations: 1,
        replacedBy: null,
        dropReason: null,
        replaceable: null,
        firstSeenAt: expect.any(String) as string,
        ...noOrder,
      },
    ]);
  });

  it('order rows: bid/ask while open, cancelled or rejected; buy/sell with the settlement once linked', async () => {
    await seedUser(t.dbs.views, 'trader');
    const order = (n: number) => `00000000-0000-4000-8000-00000000000${n}`;
    await seedOrderActivity(t.dbs.views, 'trader', {
      orderId: order(1),
      type: 'bid',
      amountSats: 50_000,
      status: 'open',
      limitPriceEurCents: 5_000_000,
    });
    await seedOrderActivity(t.dbs.views, 'trader', {
      orderId: order(2),
      type: 'ask',
      amountSats: -70_000,
      status: 'rejected',
      rejectReason: 'the coins cannot fund it',
    });
    await seedOrderActivity(t.dbs.views, 'trader', {
      orderId: order(3),
      type: 'buy',
      amountSats: 100_000,
      status: 'settling',
      priceEurCents: 6_000_000,
      eurCents: 6_000,
    });
    await seedOrderActivity(t.dbs.views, 'trader', {
      orderId: order(4),
      type: 'sell',
      amountSats: -200_000,
      status: 'confirmed',
      priceEurCents: 6_000_000,
      eurCents: 12_000,
      txid: fakeTxid('settle4'),
      blockHeight: 10,
      settlementDeltaSats: -200_450,
    });
    await seedOrderActivity(t.dbs.views, 'trader', {
      orderId: order(5),
      type: 'buy',
      amountSats: 30_000,
      status: 'settling',
      priceEurCents: 6_000_000,
      eurCents: 1_800,
      txid: fakeTxid('settle5'),
    });
    const res = await t.app.inject({ url: '/v1/users/trader/activities', headers: t.admin });
    expect(res.statusCode).toBe(200);
    const body = json<{ items: Record<string, unknown>[]; tip: { height: number } }>(res);
    const confirmations = body.tip.height - 10 + 1;
    expect(body.items).toEqual([
      expect.objectContaining({
        orderId: order(5),
        type: 'buy',
        side: 'buy',
        status: 'settling',
        txid: fakeTxid('settle5'),
        settlement: { txid: fakeTxid('settle5'), status: 'settling', confirmations: null, deltaSats: null },
      }),
      expect.objectContaining({
        orderId: order(4),
        type: 'sell',
        side: 'sell',
        status: 'confirmed',
        amountSats: -200_000,
        priceEurCents: 6_000_000,
        eurCents: 12_000,
        txid: fakeTxid('settle4'),
        blockHeight: 10,
        blockHash: blockHash(10),
        confirmations,
        settlement: { txid: fakeTxid('settle4'), status: 'confirmed', confirmations, deltaSats: -200_450 },
      }),
      expect.objectContaining({
        orderId: order(3),
        type: 'buy',
        status: 'settling',
        txid: null,
        settlement: null,
      }),
      expect.objectContaining({
        orderId: order(2),
        type: 'ask',
        side: 'sell',
        status: 'rejected',
        rejectReason: 'the coins cannot fund it',
        settlement: null,
      }),
      {
        type: 'bid',
        side: 'buy',
        status: 'open',
        amountSats: 50_000,
        txid: null,
        blockHeight: null,
        blockHash: null,
        confirmations: null,
        replacedBy: null,
        dropReason: null,
        replaceable: null,
        firstSeenAt: expect.any(String) as string,
        orderId: order(1),
        limitPriceEurCents: 5_000_000,
        priceEurCents: null,
        eurCents: null,
        rejectReason: null,
        settlement: null,
      },
    ]);
  });

  it('pages with an opaque cursor', async () => {
    const first = json<{ items: { txid: string }[]; nextCursor: string }>(
      await t.app.inject({ url: '/v1/users/active/activities?limit=4', headers: t.admin }),
    );
    expect(first.items).toHaveLength(4);
    expect(first.nextCursor).toMatch(/^[A-Za-z0-9_-]+$/);
    const second = json<{ items: { txid: string }[]; nextCursor: string | null }>(
      await t.app.inject({
        url: `/v1/users/active/activities?limit=4&cursor=${first.nextCursor}`,
        headers: t.admin,
      }),
    );
    expect(second.items.map((i) => i.txid)).toEqual([fakeTxid('a2'), fakeTxid('a1')]);
    expect(second.nextCursor).toBeNull();
  });

  it("refuses one user's cursor on another user's walk", async () => {
    const first = json<{ nextCursor: string }>(
      await t.app.inject({ url: '/v1/users/active/activities?limit=4', headers: t.admin }),
    );
    const res = await t.app.inject({
      url: `/v1/users/quiet/activities?limit=4&cursor=${first.nextCursor}`,
      headers: t.admin,
    });
    expect(expectProblem(res, 400, 'INVALID_REQUEST').detail).toMatch(/of this user's activities/);
  });

  it('an empty list for a known user without activities; 404 for an unknown one', async () => {
    const quiet = await t.app.inject({ url: '/v1/users/quiet/activities', headers: t.admin });
    expect(json(quiet)).toMatchObject({ items: [], nextCursor: null });
    expectProblem(
      await t.app.inject({ url: '/v1/users/ghost/activities', headers: t.admin }),
      404,
      'NOT_FOUND',
    );
  });

  it.each([
    ['limit=0', /"limit" must be a whole number from 1 to 200 \(got "0"\)/],
    ['limit=201', /"limit" must be a whole number from 1 to 200/],
    ['limit=-5', /"limit"/],
    ['limit=1e2', /"limit"/],
    ['limit=99999999999999999999', /"limit"/],
    ['limit=1&limit=2', /"limit"/],
    ['cursor=bm9wZQ', /"cursor" must be the nextCursor of a previous page/],
    ['cursor=%27%3B%20DROP%20TABLE', /"cursor" must be the nextCursor/],
  ])('400 for ?%s', async (query, detail) => {
    const res = await t.app.inject({ url: `/v1/users/active/activities?${query}`, headers: t.admin });
    expect(expectProblem(res, 400, 'INVALID_REQUEST').detail).toMatch(detail);
  });
});
