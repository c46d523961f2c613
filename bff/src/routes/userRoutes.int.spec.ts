import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '#shared/testing/waitFor.js';
import { mainnetAddress, regtestAddress, regtestP2pkh } from '../testing/addresses.js';
import { expectProblem } from '../testing/expectProblem.js';
import { createTestApp, json, type TestApp } from '../testing/testApp.js';

describe('user commands (inject)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp('bff-users');
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

    it('matches a new address from the block after the stored tip, or from rescanFromHeight (its history)', async () => {
      await t.dbs.online.query(
        `INSERT INTO crawler_blocks (height, hash, prev_hash, time, tx_count)
         SELECT h, lpad(to_hex(h), 64, '0'), lpad(to_hex(h - 1), 64, '0'), 1700000000 + h, 1
           FROM generate_series(10, 20) AS h`,
      );
      try {
        const post = (payload: object) =>
          t.app.inject({ method: 'POST', url: '/v1/users/carol/addresses', headers: t.admin, payload });
        const plain = regtestAddress();
        expect(json(await post({ address: plain }))).toEqual({
          userId: 'carol',
          address: plain,
          fromHeight: 21,
          rescanning: false,
        });
        const historic = regtestAddress();
        const res = await post({ address: historic, rescanFromHeight: 12 });
        expect(res.statusCode).toBe(201);
        expect(json(res)).toEqual({ userId: 'carol', address: historic, fromHeight: 12, rescanning: true });
        // Above the tip + 1 there is nothing to rescan: matched from the next block.
        const future = regtestAddress();
        expect(json(await post({ address: future, rescanFromHeight: 900 }))).toMatchObject({
          fromHeight: 21,
        });
        const { rows } = await t.dbs.online.query<{
          address: string;
          from_height: number;
          rescan_requested: boolean;
        }>(
          'SELECT address, from_height, rescan_requested FROM watched_addresses WHERE address = ANY ($1) ORDER BY from_height',
          [[plain, historic, future]],
        );
        expect(rows).toEqual([
          { address: historic, from_height: 12, rescan_requested: true },
          { address: plain, from_height: 21, rescan_requested: false },
          { address: future, from_height: 21, rescan_requested: true },
        ]);
        const { rows: events } = await t.dbs.online.query<{ payload: Record<string, unknown> }>(
          `SELECT payload FROM outbox WHERE type = 'AddressAdded' AND payload->>'address' = $1`,
          [historic],
        );
        expect(events[0]!.payload).toMatchObject({ address: historic, rescanFromHeight: 12 });
        for (const bad of [-1, 1.5, '3']) {
          expectProblem(
            await post({ address: regtestAddress(), rescanFromHeight: bad }),
            400,
            'INVALID_REQUEST',
          );
        }
      } finally {
        await t.dbs.online.query('DELETE FROM crawler_blocks');
      }
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
      // No block stored yet: it is matched from the crawler's first.
      expect(json(res)).toEqual({ userId: 'carol', address, fromHeight: 0, rescanning: false });
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
      expect(json(first)).toMatchObject({ userId: 'carol', address, rescanning: false });
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
});
