import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '#shared/testing/waitFor.js';
import { mainnetAddress, regtestAddress, regtestP2pkh } from './testing/addresses.js';
import { blockHash, fakeTxid, seedActivity, seedBlocks, seedUser } from './testing/seedViews.js';
import { createTestApp, json, type TestApp } from './testing/testApp.js';

interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
  code: string;
}

function expectProblem(
  res: { statusCode: number; headers: Record<string, unknown>; json(): unknown },
  status: number,
  code: string,
) {
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  const body = res.json() as Problem;
  expect(body).toMatchObject({
    status,
    code,
    type: expect.stringMatching(/^urn:forkline:problem:/) as string,
  });
  expect(res.statusCode).toBe(status);
  expect(body.title.length).toBeGreaterThan(0);
  expect(body.detail.length).toBeGreaterThan(0);
  expect(JSON.stringify(body)).not.toMatch(/at .*\.ts:\d+/); // no stack traces
  return body;
}

describe('BFF routes (inject)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp('bff-app');
  });
  afterAll(() => t.close());

  describe('POST /v1/users', () => {
    it('registers a user with the given id, writing the row and UserRegistered together', async () => {
      const res = await t.app.inject({
        method: 'POST',
        url: '/v1/users',
        headers: t.admin,
        payload: { userId: 'alice' },
      });
      expect(res.statusCode).toBe(201);
      expect(json(res)).toEqual({ userId: 'alice' });
      expect(res.headers.location).toBe('/v1/users/alice/balance');
      const { rows: users } = await t.dbs.online.query('SELECT user_id FROM users');
      expect(users).toEqual([{ user_id: 'alice' }]);
      const { rows: events } = await t.dbs.online.query('SELECT stream, version, type, payload FROM outbox');
      expect(events).toEqual([
        { stream: 'user:alice', version: 1, type: 'UserRegistered', payload: { userId: 'alice' } },
      ]);
    });

    it('chooses a uuid when no id is given (empty object or no body at all)', async () => {
      for (const payload of [{}, undefined]) {
        const res = await t.app.inject({
          method: 'POST',
          url: '/v1/users',
          headers: t.admin,
          ...(payload ? { payload } : {}),
        });
        expect(res.statusCode).toBe(201);
        expect(json<{ userId: string }>(res).userId).toMatch(/^[0-9a-f-]{36}$/);
      }
    });

    it('409 when the user exists, and nothing more is written', async () => {
      const before = await t.dbs.online.query('SELECT count(*)::int AS n FROM outbox');
      const res = await t.app.inject({
        method: 'POST',
        url: '/v1/users',
        headers: t.admin,
        payload: { userId: 'alice' },
      });
      expectProblem(res, 409, 'USER_EXISTS');
      const after = await t.dbs.online.query('SELECT count(*)::int AS n FROM outbox');
      expect(after.rows).toEqual(before.rows);
    });

    it.each([
      [{ userId: 'has space' }, /field "userId" must be 1 to 64 characters/],
      [{ userId: 'x'.repeat(65) }, /field "userId" must be 1 to 64/],
      [{ userId: '' }, /field "userId"/],
      [{ userId: 42 }, /field "userId" must be .*\(got 42\)/],
      [{ userId: 'bob', admin: true }, /unknown field "admin" \(allowed: userId\)/],
      [[1, 2], /the JSON body must be a JSON object/],
    ])('400 for a bad body %j', async (payload, detail) => {
      const res = await t.app.inject({ method: 'POST', url: '/v1/users', headers: t.admin, payload });
      expect(expectProblem(res, 400, 'INVALID_REQUEST').detail).toMatch(detail);
    });

    it('400 for malformed JSON, 415 for another media type, 400 for an empty JSON body', async () => {
      const bad = await t.app.inject({
        method: 'POST',
        url: '/v1/users',
        headers: { ...t.admin, 'content-type': 'application/json' },
        payload: '{"userId": "a",',
      });
      expect(expectProblem(bad, 400, 'INVALID_REQUEST').detail).toMatch(/not valid JSON/);
      const text = await t.app.inject({
        method: 'POST',
        url: '/v1/users',
        headers: { ...t.admin, 'content-type': 'text/plain' },
        payload: 'userId=a',
      });
      expect(expectProblem(text, 415, 'UNSUPPORTED_MEDIA_TYPE').detail).toMatch(/application\/json/);
      const empty = await t.app.inject({
        method: 'POST',
        url: '/v1/users',
        headers: { ...t.admin, 'content-type': 'application/json' },
        payload: '',
      });
      expect(expectProblem(empty, 400, 'INVALID_REQUEST').detail).toMatch(/body is empty/);
    });

    it('413 for a body over the limit', async () => {
      const res = await t.app.inject({
        method: 'POST',
        url: '/v1/users',
        headers: t.admin,
        payload: { userId: 'big', pad: 'x'.repeat(20_000) },
      });
      expect(expectProblem(res, 413, 'PAYLOAD_TOO_LARGE').detail).toMatch(/limit of 16384 bytes/);
    });
  });

  describe('POST /v1/users/:userId/addresses (the crawler-facing contract)', () => {
    beforeAll(async () => {
      await t.app.inject({
        method: 'POST',
        url: '/v1/users',
        headers: t.admin,
        payload: { userId: 'carol' },
      });
      await t.app.inject({ method: 'POST', url: '/v1/users', headers: t.admin, payload: { userId: 'dave' } });
    });

    it('writes the watched script and AddressAdded in one transaction', async () => {
      const address = regtestAddress();
      const res = await t.app.inject({
        method: 'POST',
        url: '/v1/users/carol/addresses',
        headers: t.admin,
        payload: { address },
      });
      expect(res.statusCode).toBe(201);
      expect(json(res)).toEqual({ userId: 'carol', address });
      const { rows } = await t.dbs.online.query<{ user_id: string; script: string; address_type: string }>(
        `SELECT user_id, encode(script_pubkey, 'hex') AS script, address_type, xmin::text AS xmin
         FROM watched_addresses WHERE address = $1`,
        [address],
      );
      expect(rows[0]).toMatchObject({ user_id: 'carol', address_type: 'p2wpkh' });
      const { rows: events } = await t.dbs.online.query<{ payload: Record<string, string>; xmin: string }>(
        `SELECT payload, xmin::text AS xmin FROM outbox WHERE type = 'AddressAdded' AND payload->>'address' = $1`,
        [address],
      );
      expect(events).toHaveLength(1);
      expect(events[0]!.payload).toEqual({
        userId: 'carol',
        address,
        scriptPubKey: rows[0]!.script,
        addressType: 'p2wpkh',
      });
      // Same transaction id: written atomically, never one without the other.
      expect(events[0]!.xmin).toBe((rows[0] as unknown as { xmin: string }).xmin);
    });

    it('notifies the crawler on commit (it watches the address without a restart)', async () => {
      const listener = await t.dbs.online.connect();
      const heard: string[] = [];
      listener.on('notification', (n) => heard.push(n.payload ?? ''));
      await listener.query('LISTEN forkline_watched_address');
      try {
        const address = regtestP2pkh();
        const res = await t.app.inject({
          method: 'POST',
          url: '/v1/users/carol/addresses',
          headers: t.admin,
          payload: { address },
        });
        expect(res.statusCode).toBe(201);
        await waitFor(
          () => heard,
          (h) => h.includes(address),
          { what: 'the watched-address notification' },
        );
      } finally {
        await listener.query('UNLISTEN *');
        listener.release();
      }
    });

    it('stores one spelling per script: an upper-case bech32 address is the same address', async () => {
      const address = regtestAddress();
      const first = await t.app.inject({
        method: 'POST',
        url: '/v1/users/carol/addresses',
        headers: t.admin,
        payload: { address: address.toUpperCase() },
      });
      expect(first.statusCode).toBe(201);
      expect(json(first)).toEqual({ userId: 'carol', address });
      const again = await t.app.inject({
        method: 'POST',
        url: '/v1/users/carol/addresses',
        headers: t.admin,
        payload: { address },
      });
      expect(again.statusCode).toBe(200); // idempotent retry: nothing written
      const { rows } = await t.dbs.online.query(
        `SELECT count(*)::int AS n FROM outbox WHERE payload->>'address' = $1`,
        [address],
      );
      expect(rows).toEqual([{ n: 1 }]);
    });

    it('409 when another user owns the address, and nothing is written', async () => {
      const address = regtestAddress();
      await t.app.inject({
        method: 'POST',
        url: '/v1/users/carol/addresses',
        headers: t.admin,
        payload: { address },
      });
      const before = await t.dbs.online.query(
        'SELECT (SELECT count(*) FROM outbox)::int AS o, (SELECT count(*) FROM watched_addresses)::int AS w',
      );
      const res = await t.app.inject({
        method: 'POST',
        url: '/v1/users/dave/addresses',
        headers: t.admin,
        payload: { address },
      });
      expect(expectProblem(res, 409, 'ADDRESS_TAKEN').detail).toMatch(/another user/);
      const after = await t.dbs.online.query(
        'SELECT (SELECT count(*) FROM outbox)::int AS o, (SELECT count(*) FROM watched_addresses)::int AS w',
      );
      expect(after.rows).toEqual(before.rows);
      const owner = await t.dbs.online.query('SELECT user_id FROM watched_addresses WHERE address = $1', [
        address,
      ]);
      expect(owner.rows).toEqual([{ user_id: 'carol' }]);
    });

    it('of two users racing for one address, exactly one wins', async () => {
      const address = regtestAddress();
      const [a, b] = await Promise.all(
        ['carol', 'dave'].map((u) =>
          t.app.inject({
            method: 'POST',
            url: `/v1/users/${u}/addresses`,
            headers: t.admin,
            payload: { address },
          }),
        ),
      );
      expect([a!.statusCode, b!.statusCode].sort()).toEqual([201, 409]);
      const { rows } = await t.dbs.online.query(
        `SELECT count(*)::int AS n FROM outbox WHERE payload->>'address' = $1`,
        [address],
      );
      expect(rows).toEqual([{ n: 1 }]);
    });

    it('400 for an address of another network, 400 for no address, 404 for an unknown user', async () => {
      const wrong = await t.app.inject({
        method: 'POST',
        url: '/v1/users/carol/addresses',
        headers: t.admin,
        payload: { address: mainnetAddress() },
      });
      expect(expectProblem(wrong, 400, 'WRONG_NETWORK').detail).toMatch(
        /mainnet address, but this forkline follows regtest/,
      );
      const junk = await t.app.inject({
        method: 'POST',
        url: '/v1/users/carol/addresses',
        headers: t.admin,
        payload: { address: 'not-an-address' },
      });
      expect(expectProblem(junk, 400, 'INVALID_ADDRESS').detail).toMatch(/is not a Bitcoin address/);
      const missing = await t.app.inject({
        method: 'POST',
        url: '/v1/users/carol/addresses',
        headers: t.admin,
        payload: {},
      });
      expect(expectProblem(missing, 400, 'INVALID_REQUEST').detail).toBe(
        'the JSON body is missing the field "address"',
      );
      const nobody = await t.app.inject({
        method: 'POST',
        url: '/v1/users/nobody/addresses',
        headers: t.admin,
        payload: { address: regtestAddress() },
      });
      expect(expectProblem(nobody, 404, 'NOT_FOUND').detail).toMatch(/no user "nobody"/);
    });
  });

  describe('GET /v1/users/:userId/balance', () => {
    beforeAll(async () => {
      await seedUser(t.dbs.views, 'reader', {
        confirmedSats: 150_000,
        pendingSats: 5,
        txCount: 3,
        version: 7,
      });
      await seedBlocks(t.dbs.views, 0, 10);
    });

    it('answers the projected row with the tip it reflects', async () => {
      const res = await t.app.inject({ url: '/v1/users/reader/balance', headers: t.admin });
      expect(res.statusCode).toBe(200);
      expect(json(res)).toEqual({
        userId: 'reader',
        confirmedSats: 150_000,
        pendingSats: 5,
        txCount: 3,
        version: 7,
        tip: { height: 10, hash: blockHash(10) },
      });
      expect(res.headers['forkline-tip-height']).toBe('10');
      expect(res.headers['forkline-behind']).toBeUndefined();
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
      expect(json(answers[3]!)).toMatchObject({ confirmedSats: 0, pendingSats: 0, txCount: 0, version: 0 });
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

  describe('GET /v1/users/:userId/activities', () => {
    const seqs: number[] = [];
    beforeAll(async () => {
      await seedUser(t.dbs.views, 'active');
      await seedUser(t.dbs.views, 'quiet');
      // heights 1..5 confirmed, one reverted (no block)
      for (let i = 1; i <= 5; i++) {
        seqs.push(
          await seedActivity(t.dbs.views, 'active', {
            txid: fakeTxid(`a${i}`),
            blockHeight: i,
            amountSats: i * 100,
          }),
        );
      }
      seqs.push(
        await seedActivity(t.dbs.views, 'active', {
          txid: fakeTxid('rev'),
          status: 'reverted',
          blockHeight: null,
          type: 'send',
          amountSats: -50,
        }),
      );
    });

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

  describe('probes, metrics, unknown routes', () => {
    it('GET /healthz and /readyz answer without a token', async () => {
      expect(json(await t.app.inject({ url: '/healthz' }))).toEqual({ status: 'ok' });
      const ready = await t.app.inject({ url: '/readyz' });
      expect(ready.statusCode).toBe(200);
      expect(json(ready)).toEqual({ status: 'ready', online: 'ok', views: 'ok' });
    });

    it('GET /metrics is Prometheus text with the request histogram', async () => {
      const res = await t.app.inject({ url: '/metrics' });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/plain/);
      expect(res.body).toMatch(
        /forkline_bff_http_request_duration_seconds_bucket\{.*route="\/v1\/users\/:userId\/balance"/,
      );
      expect(res.body).toMatch(/forkline_bff_problems_total\{code="INVALID_REQUEST"[,}]/);
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
  });
});
