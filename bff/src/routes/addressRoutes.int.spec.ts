import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectProblem } from '../testing/expectProblem.js';
import { seedUser } from '../testing/seedViews.js';
import { createTestApp, json, type TestApp } from '../testing/testApp.js';

interface Page {
  userId: string;
  addresses: { address: string; rescanning: boolean; rescanFromHeight: number | null }[];
  nextAfter: string | null;
}

describe('GET /v1/users/:userId/addresses (inject)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp('bff-addresses');
    await seedUser(t.dbs.views, 'holder');
    await seedUser(t.dbs.views, 'empty');
    await t.dbs.views.query(
      `INSERT INTO projection.user_addresses (address, user_id, address_type, added_at, rescan_from_height, rescanning)
       VALUES ('bcrt1qa', 'holder', 'p2wpkh', now(), NULL, false),
              ('bcrt1qb', 'holder', 'p2wpkh', now(), 7, true),
              ('bcrt1qc', 'holder', 'p2tr', now(), 0, false)`,
    );
  });
  afterAll(() => t.close());

  it('lists the addresses in pages, each saying whether its history is being rescanned', async () => {
    const first = await t.app.inject({
      url: '/v1/users/holder/addresses?limit=2',
      headers: t.userAuth('holder'),
    });
    expect(json<Page>(first)).toMatchObject({
      userId: 'holder',
      addresses: [
        { address: 'bcrt1qa', rescanning: false, rescanFromHeight: null },
        { address: 'bcrt1qb', rescanning: true, rescanFromHeight: 7 },
      ],
      nextAfter: 'bcrt1qb',
    });
    const second = await t.app.inject({
      url: '/v1/users/holder/addresses?limit=2&after=bcrt1qb',
      headers: t.userAuth('holder'),
    });
    expect(json<Page>(second)).toMatchObject({
      addresses: [{ address: 'bcrt1qc', rescanning: false, rescanFromHeight: 0 }],
      nextAfter: null,
    });
  });

  it('an empty list for a user with none, 404 for one the read side does not know, 403 for another user', async () => {
    const empty = await t.app.inject({ url: '/v1/users/empty/addresses', headers: t.admin });
    expect(json<Page>(empty)).toEqual({ userId: 'empty', addresses: [], nextAfter: null });
    expectProblem(
      await t.app.inject({ url: '/v1/users/ghost/addresses', headers: t.admin }),
      404,
      'NOT_FOUND',
    );
    const foreign = await t.app.inject({ url: '/v1/users/holder/addresses', headers: t.userAuth('empty') });
    expect(foreign.statusCode).toBe(403);
    expectProblem(
      await t.app.inject({ url: '/v1/users/holder/addresses?after=x%20y', headers: t.admin }),
      400,
      'INVALID_REQUEST',
    );
  });
});
