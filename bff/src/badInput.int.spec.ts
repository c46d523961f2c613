import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mainnetAddress, regtestAddress } from './testing/addresses.js';
import {
  fakeTxid,
  fingerprint,
  ONLINE_TABLES,
  seedActivity,
  seedBlocks,
  seedUser,
  VIEWS_TABLES,
} from './testing/seedViews.js';
import { createTestApp, type TestApp } from './testing/testApp.js';

/**
 * Invariant 4: bad input gets a clear error and changes nothing — in either database.
 * Each case is sent, must answer a 4xx problem, and both databases' fingerprints (row
 * counts and an md5 over every row) must be the same afterwards.
 */
describe('bad input changes nothing', () => {
  let t: TestApp;
  let takenAddress: string;
  beforeAll(async () => {
    t = await createTestApp('bff-bad-input', { settings: { bodyLimitBytes: 64 * 1024 } });
    await t.app.inject({ method: 'POST', url: '/v1/users', headers: t.admin, payload: { userId: 'alice' } });
    await t.app.inject({ method: 'POST', url: '/v1/users', headers: t.admin, payload: { userId: 'bob' } });
    takenAddress = regtestAddress();
    await t.app.inject({
      method: 'POST',
      url: '/v1/users/bob/addresses',
      headers: t.admin,
      payload: { address: takenAddress },
    });
    await seedUser(t.dbs.views, 'alice', { confirmedSats: 1 });
    await seedBlocks(t.dbs.views, 0, 2);
    await seedActivity(t.dbs.views, 'alice', { txid: fakeTxid('x'), blockHeight: 1 });
  });
  afterAll(() => t.close());

  const sqlish = [
    "alice'; DROP TABLE users; --",
    "' OR '1'='1",
    'alice" OR 1=1 --',
    '1; DELETE FROM outbox',
    '$$; TRUNCATE watched_addresses; $$',
  ];
  const unicode = ['ålice', 'алиса', '😀', 'a\u0000b', 'a\u202Eb', 'ａｌｉｃｅ', 'x'.repeat(65)];

  type Case = {
    name: string;
    method: 'GET' | 'POST';
    url: string;
    payload?: unknown;
    headers?: Record<string, string>;
    status: number;
    code: string;
  };
  const cases = (): Case[] => [
    {
      name: 'address of another network',
      method: 'POST',
      url: '/v1/users/alice/addresses',
      payload: { address: mainnetAddress() },
      status: 400,
      code: 'WRONG_NETWORK',
    },
    {
      name: 'address owned by another user',
      method: 'POST',
      url: '/v1/users/alice/addresses',
      payload: { address: takenAddress },
      status: 409,
      code: 'ADDRESS_TAKEN',
    },
    {
      name: 'a 10 MB body',
      method: 'POST',
      url: '/v1/users',
      payload: { userId: 'big', pad: 'x'.repeat(10 * 1024 * 1024) },
      status: 413,
      code: 'PAYLOAD_TOO_LARGE',
    },
    {
      name: 'a 10 MB address',
      method: 'POST',
      url: '/v1/users/alice/addresses',
      payload: { address: 'b'.repeat(10 * 1024 * 1024) },
      status: 413,
      code: 'PAYLOAD_TOO_LARGE',
    },
    {
      name: 'an address of 201 characters',
      method: 'POST',
      url: '/v1/users/alice/addresses',
      payload: { address: 'b'.repeat(201) },
      status: 400,
      code: 'INVALID_REQUEST',
    },
    {
      name: 'an existing user again',
      method: 'POST',
      url: '/v1/users',
      payload: { userId: 'alice' },
      status: 409,
      code: 'USER_EXISTS',
    },
    {
      name: 'an extra field',
      method: 'POST',
      url: '/v1/users',
      payload: { userId: 'eve', role: 'admin' },
      status: 400,
      code: 'INVALID_REQUEST',
    },
    {
      name: 'a prototype-polluting field',
      method: 'POST',
      url: '/v1/users',
      payload: '{"userId":"eve","__proto__":{"admin":true}}',
      headers: { 'content-type': 'application/json' },
      status: 400,
      code: 'INVALID_REQUEST',
    },
    {
      name: 'a number as user id',
      method: 'POST',
      url: '/v1/users',
      payload: { userId: 123 },
      status: 400,
      code: 'INVALID_REQUEST',
    },
    {
      name: 'malformed JSON',
      method: 'POST',
      url: '/v1/users',
      payload: '{"userId": "eve"',
      headers: { 'content-type': 'application/json' },
      status: 400,
      code: 'INVALID_REQUEST',
    },
    {
      name: 'deeply nested JSON',
      method: 'POST',
      url: '/v1/users',
      payload: `${'['.repeat(5000)}${']'.repeat(5000)}`,
      headers: { 'content-type': 'application/json' },
      status: 400,
      code: 'INVALID_REQUEST',
    },
    {
      name: 'form-encoded body',
      method: 'POST',
      url: '/v1/users',
      payload: 'userId=eve',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      status: 415,
      code: 'UNSUPPORTED_MEDIA_TYPE',
    },
    ...sqlish.flatMap((s): Case[] => [
      {
        name: `SQL-looking user id ${s}`,
        method: 'POST',
        url: '/v1/users',
        payload: { userId: s },
        status: 400,
        code: 'INVALID_REQUEST',
      },
      {
        name: `SQL-looking address ${s}`,
        method: 'POST',
        url: '/v1/users/alice/addresses',
        payload: { address: s },
        status: 400,
        // White space is refused by the schema before the address is even parsed.
        code: /\s/.test(s) ? 'INVALID_REQUEST' : 'INVALID_ADDRESS',
      },
      {
        name: `SQL-looking path ${s}`,
        method: 'POST',
        url: `/v1/users/${encodeURIComponent(s)}/addresses`,
        payload: { address: regtestAddress() },
        status: 400,
        code: 'INVALID_REQUEST',
      },
      {
        name: `SQL-looking cursor ${s}`,
        method: 'GET',
        url: `/v1/users/alice/activities?cursor=${encodeURIComponent(s)}`,
        status: 400,
        code: 'INVALID_REQUEST',
      },
      {
        name: `SQL-looking cursor (base64url) ${s}`,
        method: 'GET',
        url: `/v1/users/alice/activities?cursor=${Buffer.from(s).toString('base64url').slice(0, 64)}`,
        status: 400,
        code: 'INVALID_REQUEST',
      },
    ]),
    ...unicode.flatMap((u): Case[] => [
      {
        name: `unicode user id ${JSON.stringify(u)}`,
        method: 'POST',
        url: '/v1/users',
        payload: { userId: u },
        status: 400,
        code: 'INVALID_REQUEST',
      },
      {
        name: `unicode address ${JSON.stringify(u)}`,
        method: 'POST',
        url: '/v1/users/alice/addresses',
        payload: { address: u },
        status: 400,
        code: /\s/.test(u) ? 'INVALID_REQUEST' : 'INVALID_ADDRESS',
      },
      {
        name: `unicode path ${JSON.stringify(u)}`,
        method: 'GET',
        url: `/v1/users/${encodeURIComponent(u)}/balance`,
        status: 400,
        code: 'INVALID_REQUEST',
      },
    ]),
    ...['-1', '0', '201', '99999999999999999999999', '1.5', '0x10', ' 5', 'NaN', ''].map((limit): Case => ({
      name: `limit=${JSON.stringify(limit)}`,
      method: 'GET',
      url: `/v1/users/alice/activities?limit=${encodeURIComponent(limit)}`,
      status: 400,
      code: 'INVALID_REQUEST',
    })),
    ...['-5', '1e9', '99999999999'].map((h): Case => ({
      name: `minHeight=${h}`,
      method: 'GET',
      url: `/v1/users/alice/balance?minHeight=${h}`,
      status: 400,
      code: 'INVALID_REQUEST',
    })),
    {
      name: 'waitMs over 30 s',
      method: 'GET',
      url: '/v1/users/alice/balance?minHeight=1&waitMs=3600000',
      status: 400,
      code: 'INVALID_REQUEST',
    },
  ];

  it('each case answers a problem and leaves both databases exactly as they were', async () => {
    const before = {
      online: await fingerprint(t.dbs.online, ONLINE_TABLES),
      views: await fingerprint(t.dbs.views, VIEWS_TABLES),
    };
    const all = cases();
    expect(all.length).toBeGreaterThan(60);
    for (const c of all) {
      const res = await t.app.inject({
        method: c.method,
        url: c.url,
        headers: { ...t.admin, ...c.headers },
        ...(c.payload === undefined ? {} : { payload: c.payload as string }),
      });
      expect({ name: c.name, status: res.statusCode, code: res.json<{ code?: string }>().code }).toEqual({
        name: c.name,
        status: c.status,
        code: c.code,
      });
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    }
    const after = {
      online: await fingerprint(t.dbs.online, ONLINE_TABLES),
      views: await fingerprint(t.dbs.views, VIEWS_TABLES),
    };
    expect(after).toEqual(before);
    // The schema's tables are all still there, too.
    const { rows } = await t.dbs.online.query(
      "SELECT count(*)::int AS n FROM users WHERE user_id IN ('alice', 'bob')",
    );
    expect(rows).toEqual([{ n: 2 }]);
  });
});
