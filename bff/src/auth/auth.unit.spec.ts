import { createSigner } from 'fast-jwt';
import { describe, expect, it } from 'vitest';
import { isForklineError } from '#shared/errors/catalogue.js';
import { createAdminTokenCheck } from './adminToken.js';
import { authenticate, authorize, type Principal } from './principal.js';
import { createUserTokens } from './userTokens.js';

const SECRET = 'unit-secret-unit-secret-unit-secret-!!';
const tokens = createUserTokens(SECRET);
const isAdmin = createAdminTokenCheck('the-admin-token-0123456789');

describe('user tokens', () => {
  it('accepts an iat within the clock skew, and checks iss and aud when configured', () => {
    const skewed = createSigner({ key: SECRET, clockTimestamp: Date.now() + 30_000, expiresIn: 60_000 })({
      sub: 'a',
    });
    expect(tokens.verify(skewed)).toMatchObject({ ok: true });
    const strict = createUserTokens(SECRET, {
      maxLifetimeSeconds: 3600,
      clockSkewSeconds: 60,
      issuer: 'forkline',
      audience: 'wallet',
    });
    expect(strict.verify(strict.sign('alice', 60))).toMatchObject({ ok: true, userId: 'alice' });
    expect(strict.verify(tokens.sign('alice', 60))).toEqual({ ok: false, reason: 'wrong-party' });
    const elsewhere = createSigner({ key: SECRET, expiresIn: 60_000, iss: 'other', aud: 'wallet' })({
      sub: 'a',
    });
    expect(strict.verify(elsewhere)).toEqual({ ok: false, reason: 'wrong-party' });
    expect(strict.verify(strict.sign('alice', 7200))).toEqual({ ok: false, reason: 'too-long' });
  });

  it('sign and verify round-trip', () => {
    const verified = tokens.verify(tokens.sign('alice', 60));
    expect(verified).toMatchObject({ ok: true, userId: 'alice' });
    if (verified.ok) expect(verified.expiresAt).toBeGreaterThan(Date.now() / 1000 + 50);
  });

  it.each([
    [
      'expired',
      createSigner({ key: SECRET, clockTimestamp: Date.now() - 120_000, expiresIn: 60_000 })({ sub: 'a' }),
      'expired',
    ],
    ['another secret', createSigner({ key: 'x'.repeat(40), expiresIn: 60_000 })({ sub: 'a' }), 'invalid'],
    ['alg none', createSigner({ algorithm: 'none', expiresIn: 60_000 })({ sub: 'a' }), 'invalid'],
    ['HS512', createSigner({ key: SECRET, algorithm: 'HS512', expiresIn: 60_000 })({ sub: 'a' }), 'invalid'],
    ['no exp', createSigner({ key: SECRET })({ sub: 'a' }), 'no-expiry'],
    [
      'exp in milliseconds',
      createSigner({ key: SECRET, noTimestamp: true })({ sub: 'a', exp: Date.now() + 60_000 }),
      'too-long',
    ],
    ['exp 1e300', createSigner({ key: SECRET })({ sub: 'a', exp: 1e300 }), 'too-long'],
    [
      'a lifetime beyond the maximum',
      createSigner({ key: SECRET, expiresIn: 367 * 24 * 3600 * 1000 })({ sub: 'a' }),
      'too-long',
    ],
    [
      'iat in the future',
      createSigner({ key: SECRET, clockTimestamp: Date.now() + 600_000, expiresIn: 60_000 })({ sub: 'a' }),
      'issued-later',
    ],
    ['no sub', createSigner({ key: SECRET, expiresIn: 60_000 })({ x: 1 }), 'invalid'],
    [
      'a sub that is no user id',
      createSigner({ key: SECRET, expiresIn: 60_000 })({ sub: '../admin' }),
      'invalid',
    ],
    ['garbage', 'not.a.jwt', 'invalid'],
    ['empty', '', 'invalid'],
  ])('refuses a token: %s', (_name, token, reason) => {
    expect(tokens.verify(token)).toEqual({ ok: false, reason });
  });

  it('refuses to mint for an invalid user id', () => {
    expect(() => tokens.sign('has space', 60)).toThrow(/invalid user id/);
  });
});

describe('admin token', () => {
  it('matches only the exact token, whatever the length', () => {
    expect(isAdmin('the-admin-token-0123456789')).toBe(true);
    for (const t of [
      '',
      'the-admin-token-012345678',
      'the-admin-token-01234567890',
      'THE-ADMIN-TOKEN-0123456789',
    ]) {
      expect(isAdmin(t)).toBe(false);
    }
  });
});

describe('authenticate / authorize', () => {
  const codeOf = (fn: () => unknown) => {
    try {
      fn();
      return 'ok';
    } catch (err) {
      return isForklineError(err) ? err.code : 'other';
    }
  };

  it.each([
    [undefined, 'UNAUTHORIZED'],
    ['', 'UNAUTHORIZED'],
    ['Bearer', 'UNAUTHORIZED'],
    ['Token the-admin-token-0123456789', 'UNAUTHORIZED'],
    ['Bearer the-admin-token-0123456789', 'ok'],
    ['bearer the-admin-token-0123456789', 'ok'],
    [`Bearer ${tokens.sign('bob', 60)}`, 'ok'],
  ])('header %j → %s', (header, expected) => {
    expect(codeOf(() => authenticate(header, isAdmin, tokens))).toBe(expected);
  });

  it.each<[Principal, 'admin' | 'ownUser', string | undefined, string]>([
    [{ kind: 'admin' }, 'admin', undefined, 'ok'],
    [{ kind: 'admin' }, 'ownUser', 'alice', 'ok'],
    [{ kind: 'user', userId: 'alice' }, 'ownUser', 'alice', 'ok'],
    [{ kind: 'user', userId: 'alice' }, 'ownUser', 'bob', 'FORBIDDEN'],
    [{ kind: 'user', userId: 'alice' }, 'admin', 'alice', 'FORBIDDEN'],
    [{ kind: 'user', userId: 'alice' }, 'ownUser', undefined, 'FORBIDDEN'],
  ])('%j on a %s route for %s → %s', (principal, access, userId, expected) => {
    expect(codeOf(() => authorize(principal, access, userId))).toBe(expected);
  });
});
