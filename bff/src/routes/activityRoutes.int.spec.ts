import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectProblem } from '../testing/expectProblem.js';
import { blockHash, fakeTxid, seedActivity, seedBlocks, seedUser } from '../testing/seedViews.js';
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
      type: 'send',
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
      type: 'send',
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
      type: 'send',
      amountSats: -700,
      dropReason: 'replaced',
      replacedBy: fakeTxid('bump'),
      replaceable: true,
    });
    await seedActivity(t.dbs.views, 'mempool', {
      txid: fakeTxid('bump'),
      status: 'pending',
      blockHeight: null,
      type: 'send',
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
      },
      {
        txid: fakeTxid('bump'),
        type: 'send',
        amountSats: -750,
        status: 'pending',
        ...none,
        replacedBy: null,
        dropReason: null,
        replaceable: false,
        firstSeenAt: expect.any(String) as string,
      },
      {
        txid: fakeTxid('first'),
        type: 'send',
        amountSats: -700,
        status: 'replaced',
        ...none,
        replacedBy: fakeTxid('bump'),
        dropReason: 'replaced',
        replaceable: true,
        firstSeenAt: expect.any(String) as string,
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
