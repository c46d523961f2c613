import { execFile } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPool } from '#shared/db/pool.js';
import { repoRoot } from '#shared/testing/stackEnv.js';
import { createTestDatabases, type TestDatabases } from '#shared/testing/testDatabases.js';
import { waitFor } from '#shared/testing/waitFor.js';
import { regtestAddress } from './testing/addresses.js';
import { expectProblem } from './testing/expectProblem.js';
import { blockHash, seedBlocks, seedUser } from './testing/seedViews.js';
import { createTestApp, TEST_ADMIN_TOKEN, TEST_JWT_SECRET, type TestApp } from './testing/testApp.js';

const run = promisify(execFile);

async function listen(t: TestApp): Promise<string> {
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  return `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
}

/** What the whole app does over a real socket: limits, rate limiting, logging, failures. */
describe('BFF over real HTTP', () => {
  let dbs: TestDatabases;
  let t: TestApp;
  let base: string;

  beforeAll(async () => {
    dbs = await createTestDatabases('bff-http');
    t = await createTestApp('bff-http', { dbs });
    base = await listen(t);
    await seedUser(dbs.views, 'alice', { confirmedSats: 42 });
    await seedBlocks(dbs.views, 0, 2);
  });
  afterAll(async () => {
    await t.close();
    await dbs.drop();
  });

  it('serves commands and reads', async () => {
    const created = await fetch(`${base}/v1/users`, {
      method: 'POST',
      headers: { ...t.admin, 'content-type': 'application/json' },
      body: JSON.stringify({ userId: 'http-user' }),
    });
    expect(created.status).toBe(201);
    expect(await created.json()).toEqual({ userId: 'http-user' });
    const added = await fetch(`${base}/v1/users/http-user/addresses`, {
      method: 'POST',
      headers: { ...t.admin, 'content-type': 'application/json' },
      body: JSON.stringify({ address: regtestAddress() }),
    });
    expect(added.status).toBe(201);
    const balance = await fetch(`${base}/v1/users/alice/balance`, { headers: t.userAuth('alice') });
    expect(balance.status).toBe(200);
    expect(await balance.json()).toMatchObject({ userId: 'alice', confirmedSats: 42, tip: { height: 2 } });
    const activities = await fetch(`${base}/v1/users/alice/activities?limit=200`, {
      headers: t.userAuth('alice'),
    });
    expect(await activities.json()).toEqual({
      items: [],
      nextCursor: null,
      tip: { height: 2, hash: blockHash(2) },
    });
  });

  it('a 10 MB body is refused with 413 before it is read whole', async () => {
    const res = await fetch(`${base}/v1/users`, {
      method: 'POST',
      headers: { ...t.admin, 'content-type': 'application/json' },
      body: JSON.stringify({ userId: 'big', pad: 'x'.repeat(10 * 1024 * 1024) }),
    });
    expect(res.status).toBe(413);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await res.json()).toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
  });

  it('long-polls over HTTP', async () => {
    const pending = fetch(`${base}/v1/users/alice/balance?minHeight=3&waitMs=20000`, { headers: t.admin });
    await seedBlocks(dbs.views, 3, 3);
    const res = await pending;
    expect(res.headers.get('forkline-behind')).toBe('false');
    expect(await res.json()).toMatchObject({ tip: { height: 3 } });
  });

  it('rate-limits per token: one token over the limit gets 429, another token and the probes do not', async () => {
    const limited = await createTestApp('bff-http-rl', { dbs, settings: { rateLimitPerMinute: 3 } });
    try {
      const url = await listen(limited);
      const alice = limited.userAuth('alice');
      const statuses: number[] = [];
      for (let i = 0; i < 4; i++)
        statuses.push((await fetch(`${url}/v1/users/alice/balance`, { headers: alice })).status);
      expect(statuses).toEqual([200, 200, 200, 429]);
      const res = await fetch(`${url}/v1/users/alice/balance`, { headers: alice });
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(res.headers.get('retry-after')).toMatch(/^\d+$/);
      expect(await res.json()).toMatchObject({
        status: 429,
        code: 'RATE_LIMITED',
        detail: expect.stringMatching(/more than 3 requests per minute/) as string,
      });
      expect((await fetch(`${url}/v1/users/alice/balance`, { headers: limited.admin })).status).toBe(200);
      for (let i = 0; i < 5; i++) expect((await fetch(`${url}/healthz`)).status).toBe(200);
    } finally {
      await limited.close();
    }
  });

  it('never logs a token', async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write: (chunk: Buffer, _enc, cb) => {
        lines.push(chunk.toString());
        cb();
      },
    });
    const logged = await createTestApp('bff-http-log', { dbs, logDestination: sink });
    try {
      const url = await listen(logged);
      const userToken = logged.userAuth('alice').authorization;
      await fetch(`${url}/v1/users/alice/balance`, { headers: { authorization: userToken } });
      await fetch(`${url}/v1/users/bob/balance`, { headers: { authorization: userToken } });
      await fetch(`${url}/v1/users/alice/balance`, {
        headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}x` },
      });
      await fetch(`${url}/v1/status`, { headers: logged.admin });
      await waitFor(
        () => lines.length,
        (n) => n >= 8,
        { what: 'request log lines' },
      );
      const all = lines.join('');
      expect(all).toContain('"url":"/v1/users/alice/balance"');
      expect(all).not.toContain(TEST_ADMIN_TOKEN);
      expect(all).not.toContain(userToken.slice('Bearer '.length));
      expect(all).not.toContain(TEST_JWT_SECRET);
    } finally {
      await logged.close();
    }
  });

  it('404 problem for an unknown route or method', async () => {
    expect(expectProblem(await t.app.inject({ url: '/nope' }), 404, 'NOT_FOUND').detail).toBe(
      'there is no route GET /nope',
    );
    expectProblem(
      await t.app.inject({ method: 'DELETE', url: '/v1/users/alice/balance', headers: t.admin }),
      404,
      'NOT_FOUND',
    );
  });

  describe('a database down → 503 with the reason; the process stays up', () => {
    it('a views database that cannot be reached', async () => {
      const badViews = createPool({ connectionString: 'postgres://u:p@127.0.0.1:9/none', max: 1 });
      const down = await createTestApp('bff-http-down', { dbs: { ...dbs, views: badViews } });
      try {
        const res = await down.app.inject({ url: '/v1/users/alice/balance', headers: down.admin });
        expect(res.statusCode).toBe(503);
        expect(res.headers['retry-after']).toBe('5');
        expect(res.json()).toMatchObject({
          code: 'DEPENDENCY_UNAVAILABLE',
          detail: 'the views database is unreachable right now; try again shortly',
        });
        expect(res.body).not.toContain('127.0.0.1:9');
        const ready = await down.app.inject({ url: '/readyz' });
        expect(ready.statusCode).toBe(503);
        expect(ready.json()).toMatchObject({ detail: 'not ready: the views database is unreachable' });
        // Commands still work: they only need the online database.
        const created = await down.app.inject({
          method: 'POST',
          url: '/v1/users',
          headers: down.admin,
          payload: {},
        });
        expect(created.statusCode).toBe(201);
        expect((await down.app.inject({ url: '/healthz' })).statusCode).toBe(200);
      } finally {
        await down.close();
        await badViews.end();
      }
    });

    it('PostgreSQL stopped and started again under a listening server', async () => {
      const pg = `${repoRoot}regtest/postgres.sh`;
      await run(pg, ['stop']);
      try {
        const balance = await fetch(`${base}/v1/users/alice/balance`, { headers: t.admin });
        expect(balance.status).toBe(503);
        expect(await balance.json()).toMatchObject({
          code: 'DEPENDENCY_UNAVAILABLE',
          detail: expect.stringMatching(/views database/) as string,
        });
        const created = await fetch(`${base}/v1/users`, {
          method: 'POST',
          headers: { ...t.admin, 'content-type': 'application/json' },
          body: '{}',
        });
        expect(created.status).toBe(503);
        expect(await created.json()).toMatchObject({
          detail: expect.stringMatching(/online database/) as string,
        });
        const status = await fetch(`${base}/v1/status`, { headers: t.admin });
        expect(status.status).toBe(200);
        expect(await status.json()).toMatchObject({
          node: { available: true },
          outbox: { available: false },
          projector: { available: false },
        });
        expect((await fetch(`${base}/readyz`)).status).toBe(503);
        expect((await fetch(`${base}/healthz`)).status).toBe(200);
      } finally {
        await run(pg, ['start']);
      }
      await waitFor(
        async () => (await fetch(`${base}/v1/users/alice/balance`, { headers: t.admin })).status,
        (s) => s === 200,
        {
          what: 'the balance to answer again after PostgreSQL restarted',
        },
      );
      expect((await fetch(`${base}/readyz`)).status).toBe(200);
    });
  });
});
