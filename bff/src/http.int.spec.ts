import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRpcClient } from '#shared/bitcoind/rpcClient.js';
import { createPool } from '#shared/db/pool.js';
import { freePort } from '#shared/testing/freePort.js';
import { readStackEnv, repoRoot } from '#shared/testing/stackEnv.js';
import { createTestDatabases, type TestDatabases } from '#shared/testing/testDatabases.js';
import { waitFor } from '#shared/testing/waitFor.js';
import { regtestAddress } from './testing/addresses.js';
import { blockHash, seedBlocks, seedUser } from './testing/seedViews.js';
import { createTestApp, TEST_ADMIN_TOKEN, TEST_JWT_SECRET, type TestApp } from './testing/testApp.js';

const run = promisify(execFile);

async function listen(t: TestApp): Promise<string> {
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  return `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
}

describe('BFF over real HTTP', () => {
  let dbs: TestDatabases;
  let t: TestApp;
  let base: string;
  let crawlerServer: Server;
  let crawlerTip: unknown = { state: 'in-sync', ourTip: { height: 3, hash: blockHash(3) } };

  beforeAll(async () => {
    dbs = await createTestDatabases('bff-http');
    crawlerServer = createServer((_req, res) =>
      res.setHeader('content-type', 'application/json').end(JSON.stringify(crawlerTip)),
    );
    await new Promise<void>((r) => crawlerServer.listen(0, '127.0.0.1', r));
    const crawlerUrl = `http://127.0.0.1:${(crawlerServer.address() as AddressInfo).port}/status`;
    t = await createTestApp('bff-http', { dbs, crawlerStatusUrl: crawlerUrl });
    base = await listen(t);
    await seedUser(dbs.views, 'alice', { confirmedSats: 42 });
    await seedBlocks(dbs.views, 0, 2);
  });
  afterAll(async () => {
    await t.close();
    await new Promise((r) => crawlerServer.close(r));
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

  it('GET /v1/status reports every component, with the node as the oracle', async () => {
    const rpc = createRpcClient({ url: readStackEnv().BITCOIND_RPC_URL });
    const info = await rpc.getBlockchainInfo();
    await dbs.views.query(
      `INSERT INTO projection.parked_events (stream, version, event) VALUES ('user:x', 9, '{}'), ('user:x', 10, '{}')`,
    );
    await dbs.views.query(
      `INSERT INTO projection.dead_letters (topic, kafka_partition, kafka_offset, reason, raw) VALUES ('t', 0, 1, 'bad', '{}')`,
    );
    crawlerTip = { state: 'in-sync', ourTip: { height: 3, hash: blockHash(3) } };
    const res = await fetch(`${base}/v1/status`, { headers: t.admin });
    expect(res.status).toBe(200);
    const status = (await res.json()) as Record<string, Record<string, unknown>>;
    expect(status.node).toEqual({ available: true, tip: { height: info.blocks, hash: info.bestblockhash } });
    expect(status.crawler).toEqual({
      available: true,
      tip: { height: 3, hash: blockHash(3) },
      lagBlocks: info.blocks - 3,
    });
    const { rows } = await dbs.online.query<{ n: number }>('SELECT count(*)::int AS n FROM outbox');
    expect(status.outbox).toMatchObject({ available: true, backlog: rows[0]!.n });
    expect(status.outbox!.lagMs).toEqual(expect.any(Number));
    expect(status.projector).toEqual({
      available: true,
      tip: { height: 3, hash: blockHash(3) },
      lagBlocks: info.blocks - 3,
      parkedEvents: 2,
      deadLetters: 1,
    });
  });

  it('a component that fails or hangs shows as unavailable; the others still answer', async () => {
    crawlerTip = { nonsense: true };
    const hanging = await createTestApp('bff-http-hang', {
      dbs,
      statusSources: {
        nodeTip: () => new Promise(() => undefined),
        outboxBacklog: () => Promise.reject(new Error('relay table missing')),
      },
    });
    try {
      const res = await hanging.app.inject({ url: '/v1/status', headers: hanging.admin });
      expect(res.statusCode).toBe(200);
      const status = res.json<Record<string, Record<string, unknown>>>();
      expect(status.node).toEqual({ available: false, reason: 'the node did not answer within 1000 ms' });
      expect(status.crawler).toMatchObject({
        available: false,
        reason: expect.stringMatching(/ECONNREFUSED|fetch failed/) as string,
      });
      expect(status.outbox).toEqual({ available: false, reason: 'relay table missing' });
      expect(status.projector).toMatchObject({ available: true, lagBlocks: null });
    } finally {
      await hanging.close();
    }
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

describe('the processes: main.ts and tokenMain.ts', () => {
  let dbs: TestDatabases;
  let child: ChildProcess | undefined;
  beforeAll(async () => {
    dbs = await createTestDatabases('bff-main');
    await seedUser(dbs.views, 'proc-user', { confirmedSats: 7 });
  });
  afterAll(async () => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
    await dbs.drop();
  });

  it('starts, serves a minted user token, and stops cleanly on SIGTERM', async () => {
    const stack = readStackEnv();
    const port = await freePort();
    const env = {
      ...process.env,
      ONLINE_DATABASE_URL: dbs.onlineUrl,
      VIEWS_DATABASE_URL: dbs.viewsUrl,
      BITCOIND_RPC_URL: stack.BITCOIND_RPC_URL,
      FORKLINE_ADMIN_TOKEN: TEST_ADMIN_TOKEN,
      FORKLINE_JWT_SECRET: TEST_JWT_SECRET,
      BFF_PORT: String(port),
      LOG_LEVEL: 'warn',
    };
    // node itself (not the npx wrapper), so SIGTERM reaches the BFF's own handler.
    child = spawn(process.execPath, ['--import', 'tsx', 'bff/src/main.ts'], {
      cwd: repoRoot,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<number | null>((r) => child!.once('exit', (code) => r(code)));
    const url = `http://127.0.0.1:${port}`;
    await waitFor(
      async () => (await fetch(`${url}/healthz`)).status,
      (s) => s === 200,
      { what: 'the BFF to listen' },
    );

    const { stdout } = await run('npx', ['tsx', 'bff/src/tokenMain.ts', 'proc-user', '--ttl', '60'], {
      cwd: repoRoot,
      env,
    });
    const token = stdout.trim();
    expect(token).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    const res = await fetch(`${url}/v1/users/proc-user/balance`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ userId: 'proc-user', confirmedSats: 7 });
    expect(
      (await fetch(`${url}/v1/users/other/balance`, { headers: { authorization: `Bearer ${token}` } }))
        .status,
    ).toBe(403);

    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });

  it('a bad setting stops start-up with one line naming it', async () => {
    const env = {
      ...process.env,
      ONLINE_DATABASE_URL: dbs.onlineUrl,
      VIEWS_DATABASE_URL: dbs.viewsUrl,
      BITCOIND_RPC_URL: 'http://u:p@127.0.0.1:1',
      FORKLINE_ADMIN_TOKEN: 'short',
      FORKLINE_JWT_SECRET: TEST_JWT_SECRET,
    };
    const failed = await run('npx', ['tsx', 'bff/src/main.ts'], { cwd: repoRoot, env }).catch(
      (err: { code: number; stderr: string }) => err,
    );
    expect(failed).toMatchObject({ code: 2 });
    expect((failed as { stderr: string }).stderr.trim()).toBe(
      'invalid configuration: FORKLINE_ADMIN_TOKEN: must be at least 16 characters (generate one with: openssl rand -hex 24) (got "***")',
    );
    const badUser = await run('npx', ['tsx', 'bff/src/tokenMain.ts', 'bad user'], {
      cwd: repoRoot,
      env,
    }).catch((err: { code: number; stderr: string }) => err);
    expect(badUser).toMatchObject({ code: 1 });
    expect((badUser as { stderr: string }).stderr).toMatch(/1 to 64 characters/);
  });
});
