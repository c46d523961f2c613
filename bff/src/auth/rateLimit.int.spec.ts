import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabases, type TestDatabases } from '#shared/testing/testDatabases.js';
import { expectProblem } from '../testing/expectProblem.js';
import { seedBlocks, seedUser } from '../testing/seedViews.js';
import { createTestApp, type TestApp } from '../testing/testApp.js';

/** Rate limiting as a client sees it: refusals are throttled per IP, valid tokens per principal. */
describe('BFF rate limiting', () => {
  let dbs: TestDatabases;
  beforeAll(async () => {
    dbs = await createTestDatabases('bff-rl');
    await seedUser(dbs.views, 'alice');
    await seedBlocks(dbs.views, 0, 1);
  });
  afterAll(() => dbs.drop());

  const balance = (t: TestApp, headers: Record<string, string>, remoteAddress = '10.0.0.1') =>
    t.app.inject({ url: '/v1/users/alice/balance', headers, remoteAddress });

  it('700 anonymous requests with the default budgets: the refusals end in 429', async () => {
    const t = await createTestApp('bff-rl-default', {
      dbs,
      settings: { rateLimitPerMinute: 600, authFailureLimitPerMinute: 60 },
    });
    try {
      const statuses = new Map<number, number>();
      for (let i = 0; i < 700; i++) {
        const headers: Record<string, string> = i % 2 ? { authorization: `Bearer garbage${i}` } : {};
        const { statusCode } = await balance(t, headers);
        statuses.set(statusCode, (statuses.get(statusCode) ?? 0) + 1);
      }
      expect(Object.fromEntries(statuses)).toEqual({ 401: 60, 429: 640 });
    } finally {
      await t.close();
    }
  });

  it('failed authentications are limited per IP, before the token is even checked', async () => {
    const t = await createTestApp('bff-rl-fail', {
      dbs,
      settings: { rateLimitPerMinute: 100, authFailureLimitPerMinute: 3 },
    });
    try {
      const statuses: number[] = [];
      const attempts: Record<string, string>[] = [
        {},
        { authorization: 'Bearer nonsense' },
        { authorization: 'Basic eA==' },
        {},
      ];
      for (const headers of attempts) statuses.push((await balance(t, headers)).statusCode);
      expect(statuses).toEqual([401, 401, 401, 429]);
      const limited = await balance(t, { authorization: 'Bearer another-guess' });
      const problem = expectProblem(limited, 429, 'RATE_LIMITED');
      expect(problem.detail).toMatch(
        /more than 3 requests without a valid token per minute from this address/,
      );
      expect(limited.headers['retry-after']).toMatch(/^[1-9]\d*$/);
      expect(Number(limited.headers['retry-after'])).toBeLessThanOrEqual(60);
      // A correct guess from that address is refused too: the limit runs before authentication.
      expectProblem(await balance(t, t.admin), 429, 'RATE_LIMITED');
      // Other addresses are not affected.
      expect((await balance(t, t.admin, '10.0.0.2')).statusCode).toBe(200);
      expect((await balance(t, {}, '10.0.0.2')).statusCode).toBe(401);
      // Probes are never limited.
      expect((await t.app.inject({ url: '/healthz', remoteAddress: '10.0.0.1' })).statusCode).toBe(200);
    } finally {
      await t.close();
    }
  });

  it('one principal has one budget, however its Authorization header is spelled', async () => {
    const t = await createTestApp('bff-rl-principal', {
      dbs,
      settings: { rateLimitPerMinute: 3, authFailureLimitPerMinute: 100 },
    });
    try {
      const token = t.tokens.sign('alice', 600);
      const spellings = [
        `Bearer ${token}`,
        `bearer ${token}`,
        `BEARER   ${token}  `,
        `Bearer ${t.tokens.sign('alice', 601)}`,
      ];
      const statuses: number[] = [];
      // Different addresses too: a valid token's budget is its own, not its address's.
      for (const [i, authorization] of spellings.entries())
        statuses.push((await balance(t, { authorization }, `10.0.1.${i}`)).statusCode);
      expect(statuses).toEqual([200, 200, 200, 429]);
      expect(
        expectProblem(await balance(t, { authorization: `Bearer ${token}` }), 429, 'RATE_LIMITED').detail,
      ).toMatch(/more than 3 requests per minute with this token/);
      // The admin is another principal, with a budget of its own.
      expect((await balance(t, t.admin)).statusCode).toBe(200);
      expect(
        (await balance(t, { authorization: `bearer  ${t.admin.authorization.slice(7)}` })).statusCode,
      ).toBe(200);
    } finally {
      await t.close();
    }
  });
});
