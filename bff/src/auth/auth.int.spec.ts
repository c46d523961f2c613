import { createSigner } from 'fast-jwt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { regtestAddress } from '../testing/addresses.js';
import { seedBlocks, seedUser } from '../testing/seedViews.js';
import { createTestApp, TEST_JWT_SECRET, type TestApp } from '../testing/testApp.js';

/**
 * The auth matrix: every /v1 route × every kind of caller. The admin may do everything;
 * a user token may only read its own balance and activities.
 */
describe('BFF auth matrix', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp('bff-auth');
    await t.dbs.online.query("INSERT INTO users (user_id) VALUES ('alice'), ('bob')");
    await seedUser(t.dbs.views, 'alice');
    await seedUser(t.dbs.views, 'bob');
    await seedBlocks(t.dbs.views, 0, 3);
  });
  afterAll(() => t.close());

  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
  const expiredToken = () =>
    createSigner({
      key: TEST_JWT_SECRET,
      algorithm: 'HS256',
      clockTimestamp: Date.now() - 7_200_000,
      expiresIn: 3_600_000,
    })({ sub: 'alice' });
  const tampered = () => {
    const [h, p, s] = t.tokens.sign('bob', 600).split('.');
    const payload = Buffer.from(
      JSON.stringify({ ...JSON.parse(Buffer.from(p!, 'base64url').toString()), sub: 'alice' }),
    ).toString('base64url');
    return `${h}.${payload}.${s}`;
  };
  const otherSecret = () =>
    createSigner({ key: 'another-secret-another-secret-another!!', algorithm: 'HS256', expiresIn: 600_000 })({
      sub: 'alice',
    });
  const unsigned = () => createSigner({ algorithm: 'none', expiresIn: 600_000 })({ sub: 'alice' });
  const noExp = () => createSigner({ key: TEST_JWT_SECRET, algorithm: 'HS256' })({ sub: 'alice' });

  type Caller =
    | 'admin'
    | 'alice'
    | 'bob'
    | 'missing'
    | 'expired'
    | 'tampered'
    | 'otherSecret'
    | 'algNone'
    | 'noExp'
    | 'notBearer'
    | 'adminPrefix';
  const headersOf = (caller: Caller): Record<string, string> => {
    switch (caller) {
      case 'admin':
        return t.admin;
      case 'alice':
        return t.userAuth('alice');
      case 'bob':
        return t.userAuth('bob');
      case 'missing':
        return {};
      case 'expired':
        return bearer(expiredToken());
      case 'tampered':
        return bearer(tampered());
      case 'otherSecret':
        return bearer(otherSecret());
      case 'algNone':
        return bearer(unsigned());
      case 'noExp':
        return bearer(noExp());
      case 'notBearer':
        return { authorization: `Basic ${Buffer.from('a:b').toString('base64')}` };
      case 'adminPrefix':
        return bearer(t.admin.authorization.slice('Bearer '.length, -1));
    }
  };

  const routes = [
    { name: 'balance of alice', method: 'GET', url: '/v1/users/alice/balance', ok: 200, access: 'ownUser' },
    {
      name: 'activities of alice',
      method: 'GET',
      url: '/v1/users/alice/activities',
      ok: 200,
      access: 'ownUser',
    },
    { name: 'status', method: 'GET', url: '/v1/status', ok: 200, access: 'admin' },
    {
      name: 'register a user',
      method: 'POST',
      url: '/v1/users',
      ok: 201,
      access: 'admin',
      payload: () => ({}),
    },
    {
      name: 'add an address to alice',
      method: 'POST',
      url: '/v1/users/alice/addresses',
      ok: 201,
      access: 'admin',
      payload: () => ({ address: regtestAddress() }),
    },
  ] as const;

  const expected = (
    caller: Caller,
    access: 'admin' | 'ownUser',
    ok: number,
  ): [number, string | undefined] => {
    if (caller === 'admin') return [ok, undefined];
    if (caller === 'alice') return access === 'ownUser' ? [ok, undefined] : [403, 'FORBIDDEN'];
    if (caller === 'bob') return [403, 'FORBIDDEN'];
    return [401, 'UNAUTHORIZED'];
  };

  const callers: Caller[] = [
    'admin',
    'alice',
    'bob',
    'missing',
    'expired',
    'tampered',
    'otherSecret',
    'algNone',
    'noExp',
    'notBearer',
    'adminPrefix',
  ];
  const cases = routes.flatMap((route) => callers.map((caller) => [route.name, caller, route] as const));

  it.each(cases)('%s as %s', async (_name, caller, route) => {
    const res = await t.app.inject({
      method: route.method,
      url: route.url,
      headers: headersOf(caller),
      ...('payload' in route ? { payload: route.payload() } : {}),
    });
    const [status, code] = expected(caller, route.access, route.ok);
    expect(res.statusCode, res.body).toBe(status);
    if (code) {
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.json()).toMatchObject({ code, status });
    }
    if (status === 401) expect(res.headers['www-authenticate']).toBe('Bearer realm="forkline"');
  });

  it('says why a token was refused, without echoing it', async () => {
    const token = expiredToken();
    const expired = await t.app.inject({ url: '/v1/users/alice/balance', headers: bearer(token) });
    expect(expired.json()).toMatchObject({ detail: 'the token has expired: ask for a new one' });
    expect(expired.body).not.toContain(token);
    const missing = await t.app.inject({ url: '/v1/users/alice/balance' });
    expect(missing.json()).toMatchObject({
      detail: expect.stringContaining('Authorization: Bearer') as string,
    });
    const other = await t.app.inject({ url: '/v1/users/bob/balance', headers: t.userAuth('alice') });
    expect(other.json()).toMatchObject({
      detail: "a user token may only act on its own user's balance, activities and orders",
    });
  });

  it('authenticates before validating: an anonymous bad request gets 401, not 400', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/v1/users', payload: { nonsense: true } });
    expect(res.statusCode).toBe(401);
  });
});
