import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectProblem } from '../testing/expectProblem.js';
import {
  blockHash,
  fakeTxid,
  seedActivity,
  seedBlocks,
  seedStreamAwait,
  seedUser,
} from '../testing/seedViews.js';
import { createTestApp, json, type TestApp } from '../testing/testApp.js';

describe('GET /v1/users/:userId/balance (inject)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp('bff-balance');
    await seedUser(t.dbs.views, 'reader', {
      confirmedSats: 150_000,
      pendingSats: 5,
      txCount: 3,
      version: 7,
    });
    await seedBlocks(t.dbs.views, 0, 10);
  });
  afterAll(() => t.close());

  it('answers the projected row with the tip it reflects', async () => {
    const res = await t.app.inject({ url: '/v1/users/reader/balance', headers: t.admin });
    expect(res.statusCode).toBe(200);
    expect(json(res)).toEqual({
      userId: 'reader',
      confirmedSats: 150_000,
      pendingSats: 5,
      immatureSats: 0,
      totalSats: 150_005,
      txCount: 3,
      version: 7,
      tip: { height: 10, hash: blockHash(10) },
      rescanning: false,
    });
    expect(res.headers['forkline-tip-height']).toBe('10');
    expect(res.headers['forkline-behind']).toBeUndefined();
    expect(res.headers['forkline-rescanning']).toBe('false');
  });

  it('says so while an address of the user is rescanned for its history', async () => {
    const read = () => t.app.inject({ url: '/v1/users/reader/balance', headers: t.admin });
    await t.dbs.views.query(
      `INSERT INTO projection.user_addresses (address, user_id, address_type, added_at, rescan_from_height, rescanning)
       VALUES ('bcrt1qhistory', 'reader', 'p2wpkh', now(), 5, true)`,
    );
    try {
      const during = await read();
      expect(json(during)).toMatchObject({ rescanning: true, confirmedSats: 150_000 });
      expect(during.headers['forkline-rescanning']).toBe('true');
      await t.dbs.views.query(
        `UPDATE projection.user_addresses SET rescanning = false WHERE address = 'bcrt1qhistory'`,
      );
      expect((await read()).headers['forkline-rescanning']).toBe('false');
    } finally {
      await t.dbs.views.query(`DELETE FROM projection.user_addresses WHERE address = 'bcrt1qhistory'`);
    }
  });

  it('404 for a user the read side does not know', async () => {
    const res = await t.app.inject({ url: '/v1/users/stranger/balance', headers: t.admin });
    expect(expectProblem(res, 404, 'NOT_FOUND').detail).toMatch(/knows no user "stranger"/);
  });

  it('concurrent reads (batched into one statement) each get their own user, or a 404', async () => {
    await seedUser(t.dbs.views, 'reader2', { confirmedSats: 2, pendingSats: 0, txCount: 1, version: 2 });
    // Known to the read side, no balance row yet: reads as zero.
    await t.dbs.views.query(
      "INSERT INTO projection.users (user_id, registered_at) VALUES ('newcomer', now())",
    );
    const ids = ['reader', 'reader2', 'stranger', 'newcomer', 'reader', 'reader2'];
    const answers = await Promise.all(
      ids.map((id) => t.app.inject({ url: `/v1/users/${id}/balance`, headers: t.admin })),
    );
    expect(answers.map((r) => r.statusCode)).toEqual([200, 200, 404, 200, 200, 200]);
    expect(answers.map((r) => json<{ userId?: string }>(r).userId)).toEqual([
      'reader',
      'reader2',
      undefined,
      'newcomer',
      'reader',
      'reader2',
    ]);
    expect(json(answers[1]!)).toMatchObject({ confirmedSats: 2, version: 2 });
    expect(json(answers[3]!)).toMatchObject({
      confirmedSats: 0,
      pendingSats: 0,
      immatureSats: 0,
      totalSats: 0,
      txCount: 0,
      version: 0,
    });
  });

  it('minHeight already reached: answers at once, not behind', async () => {
    const res = await t.app.inject({
      url: '/v1/users/reader/balance?minHeight=10&waitMs=30000',
      headers: t.admin,
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers['forkline-behind']).toBe('false');
  });

  it('minHeight not reached, no wait: the current state, marked behind', async () => {
    const res = await t.app.inject({ url: '/v1/users/reader/balance?minHeight=11', headers: t.admin });
    expect(res.statusCode).toBe(200);
    expect(res.headers['forkline-behind']).toBe('true');
    expect(json(res)).toMatchObject({ tip: { height: 10 } });
  });

  it('long-polls until the projection reaches minHeight', async () => {
    const pending = t.app.inject({
      url: '/v1/users/reader/balance?minHeight=12&waitMs=20000',
      headers: t.admin,
    });
    let done = false;
    void pending.then(() => (done = true));
    await seedBlocks(t.dbs.views, 11, 11);
    await t.dbs.views.query('UPDATE projection.balances SET confirmed_sats = 160000 WHERE user_id = $1', [
      'reader',
    ]);
    expect(done).toBe(false);
    await seedBlocks(t.dbs.views, 12, 12);
    const res = await pending;
    expect(res.statusCode).toBe(200);
    expect(res.headers['forkline-behind']).toBe('false');
    expect(json(res)).toMatchObject({ confirmedSats: 160_000, tip: { height: 12, hash: blockHash(12) } });
  });

  it('on timeout answers the current state with Forkline-Behind: true', async () => {
    const started = Date.now();
    const res = await t.app.inject({
      url: '/v1/users/reader/balance?minHeight=99&waitMs=300',
      headers: t.admin,
    });
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(res.statusCode).toBe(200);
    expect(res.headers['forkline-behind']).toBe('true');
    expect(json(res)).toMatchObject({ tip: { height: 12 } });
  });

  it.each([
    [
      'waitMs=30001&minHeight=1',
      /field "waitMs" must be a whole number of milliseconds from 0 to 30000 \(got "30001"\)/,
    ],
    ['minHeight=-1', /field "minHeight" must be a block height/],
    ['minHeight=abc', /field "minHeight"/],
    ['waitMs=100', /waitMs only makes sense with minHeight/],
    ['foo=1', /the query string has an unknown field "foo" \(allowed: minHeight, waitMs\)/],
  ])('400 for ?%s', async (query, detail) => {
    const res = await t.app.inject({ url: `/v1/users/reader/balance?${query}`, headers: t.admin });
    expect(expectProblem(res, 400, 'INVALID_REQUEST').detail).toMatch(detail);
  });

  it('400 for a malformed user id in the path', async () => {
    const res = await t.app.inject({
      url: `/v1/users/${encodeURIComponent("x' OR 1=1")}/balance`,
      headers: t.admin,
    });
    expect(expectProblem(res, 400, 'INVALID_REQUEST').detail).toMatch(
      /the path field "userId" must be 1 to 64/,
    );
  });
});

describe('GET /v1/users/:userId/balance: pending and immature amounts (inject)', () => {
  let t: TestApp;
  const REWARD = 5_000_000_000;
  const read = async (userId: string) =>
    json<Record<string, unknown>>(
      await t.app.inject({ url: `/v1/users/${userId}/balance`, headers: t.admin }),
    );

  beforeAll(async () => {
    t = await createTestApp('bff-balance-immature');
    await seedBlocks(t.dbs.views, 0, 200);
    // At tip 200: the reward at 101 has 100 confirmations (mature), the one at 102 has 99.
    await seedUser(t.dbs.views, 'miner', {
      confirmedSats: 2 * REWARD + 7_000,
      pendingSats: -3_000,
      txCount: 3,
    });
    await seedActivity(t.dbs.views, 'miner', {
      txid: fakeTxid('cb101'),
      blockHeight: 101,
      amountSats: REWARD,
      coinbase: true,
    });
    await seedActivity(t.dbs.views, 'miner', {
      txid: fakeTxid('cb102'),
      blockHeight: 102,
      amountSats: REWARD,
      coinbase: true,
    });
    await seedActivity(t.dbs.views, 'miner', { txid: fakeTxid('pay'), blockHeight: 199, amountSats: 7_000 });
    // Neither counts: a reward whose block left the main chain, and a pending spend.
    await seedActivity(t.dbs.views, 'miner', {
      txid: fakeTxid('cbGone'),
      status: 'reverted',
      blockHeight: null,
      amountSats: REWARD,
      coinbase: true,
    });
    await seedActivity(t.dbs.views, 'miner', {
      txid: fakeTxid('spend'),
      status: 'pending',
      blockHeight: null,
      type: 'withdrawal',
      amountSats: -3_000,
      replaceable: true,
    });
  });
  afterAll(() => t.close());

  it('counts a coinbase reward with 99 confirmations as immature, with 100 as mature; pending in the total', async () => {
    expect(await read('miner')).toEqual({
      userId: 'miner',
      confirmedSats: 2 * REWARD + 7_000,
      pendingSats: -3_000,
      immatureSats: REWARD,
      totalSats: 2 * REWARD + 4_000,
      txCount: 3,
      version: 1,
      tip: { height: 200, hash: blockHash(200) },
      rescanning: false,
    });
  });

  it('one block later the reward at 102 has 100 confirmations: nothing immature', async () => {
    await seedBlocks(t.dbs.views, 201, 201);
    expect(await read('miner')).toMatchObject({ immatureSats: 0, tip: { height: 201 } });
  });

  it('a reward in a block above the projected tip (the chain stream behind) is immature', async () => {
    await seedUser(t.dbs.views, 'early', { confirmedSats: REWARD, txCount: 1 });
    await seedActivity(t.dbs.views, 'early', {
      txid: fakeTxid('cb205'),
      blockHeight: 205,
      amountSats: REWARD,
      coinbase: true,
    });
    expect(await read('early')).toMatchObject({
      confirmedSats: REWARD,
      immatureSats: REWARD,
      totalSats: REWARD,
    });
  });
});

describe('GET balance and activities while a block’s user events are in flight (inject)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp('bff-user-tip');
    await seedBlocks(t.dbs.views, 0, 20);
    await seedUser(t.dbs.views, 'carol', { confirmedSats: 1_000, txCount: 1, version: 3 });
    await seedActivity(t.dbs.views, 'carol', {
      txid: fakeTxid('carol-1'),
      amountSats: 1_000,
      blockHeight: 15,
    });
    await seedUser(t.dbs.views, 'dave', { confirmedSats: 7, txCount: 1, version: 1 });
    // Block 20 (chain version 21) holds carol's version 4, not applied yet.
    await seedStreamAwait(t.dbs.views, 'carol', { chainVersion: 21, version: 4, applied: 3, height: 19 });
  });
  afterAll(() => t.close());

  it('claims the block below for that user, the tip for the others', async () => {
    const [carol, dave] = await Promise.all(
      ['carol', 'dave'].map((id) => t.app.inject({ url: `/v1/users/${id}/balance`, headers: t.admin })),
    );
    expect(json(carol!)).toMatchObject({ confirmedSats: 1_000, tip: { height: 19, hash: blockHash(19) } });
    expect(carol!.headers['forkline-tip-height']).toBe('19');
    expect(json(dave!)).toMatchObject({ tip: { height: 20, hash: blockHash(20) } });
  });

  it('counts confirmations from that position', async () => {
    const res = await t.app.inject({ url: '/v1/users/carol/activities', headers: t.admin });
    expect(json(res)).toMatchObject({ tip: { height: 19 }, items: [{ confirmations: 5 }] });
    expect(res.headers['forkline-tip-height']).toBe('19');
  });

  it('minHeight waits for the user’s events, not only for the tip', async () => {
    const pending = t.app.inject({
      url: '/v1/users/carol/balance?minHeight=20&waitMs=20000',
      headers: t.admin,
    });
    let done = false;
    void pending.then(() => (done = true));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(done).toBe(false);
    // The projector applies carol's event of block 20: her balance and version move together.
    await t.dbs.views.query(
      `UPDATE projection.balances SET confirmed_sats = 3000, version = 4 WHERE user_id = 'carol'`,
    );
    await t.dbs.views.query(`UPDATE projection.stream_versions SET version = 4 WHERE stream = 'user:carol'`);
    const res = await pending;
    expect(res.headers['forkline-behind']).toBe('false');
    expect(json(res)).toMatchObject({ confirmedSats: 3_000, tip: { height: 20, hash: blockHash(20) } });
  });

  it('a wait above the tip (the chain moved back since) leaves the tip', async () => {
    await seedUser(t.dbs.views, 'erin', { confirmedSats: 5, txCount: 1, version: 1 });
    await seedStreamAwait(t.dbs.views, 'erin', { chainVersion: 30, version: 2, applied: 1, height: 25 });
    const res = await t.app.inject({ url: '/v1/users/erin/balance', headers: t.admin });
    expect(json(res)).toMatchObject({ tip: { height: 20, hash: blockHash(20) } });
  });
});
