import { describe, expect, it } from 'vitest';
import { ForklineError } from '#shared/errors/catalogue.js';
import { confirmations } from '../routes/activityRoutes.js';
import { decodeCursor, encodeCursor } from './cursor.js';
import { toForklineError } from './problem.js';

describe('cursor', () => {
  it('round-trips and is opaque base64url', () => {
    for (const seq of [1, 42, 9_007_199_254_740_991]) {
      const c = encodeCursor(seq);
      expect(c).toMatch(/^[A-Za-z0-9_-]+$/);
      expect(decodeCursor(c)).toBe(seq);
    }
  });

  it.each([
    '',
    'abc',
    Buffer.from('a1:0').toString('base64url'),
    Buffer.from('a1:-5').toString('base64url'),
    Buffer.from('a1:01').toString('base64url'),
    Buffer.from('a1:99999999999999999').toString('base64url'),
    `${encodeCursor(5)}A`,
  ])('refuses %j', (c) => {
    expect(() => decodeCursor(c)).toThrow(ForklineError);
  });
});

describe('confirmations', () => {
  const tip = { height: 100, hash: 'h' };
  it('tip − height + 1 for confirmed; null for reverted or without a tip', () => {
    expect(confirmations({ status: 'confirmed', blockHeight: 100 }, tip)).toBe(1);
    expect(confirmations({ status: 'confirmed', blockHeight: 91 }, tip)).toBe(10);
    expect(confirmations({ status: 'confirmed', blockHeight: 101 }, tip)).toBe(0);
    expect(confirmations({ status: 'reverted', blockHeight: 50 }, tip)).toBeNull();
    expect(confirmations({ status: 'pending', blockHeight: null }, tip)).toBeNull();
    expect(confirmations({ status: 'replaced', blockHeight: null }, tip)).toBeNull();
    expect(confirmations({ status: 'confirmed', blockHeight: 50 }, null)).toBeNull();
  });
});

describe('toForklineError', () => {
  it('keeps a ForklineError, maps fastify errors, hides unexpected ones', () => {
    const own = new ForklineError('USER_EXISTS', 'x');
    expect(toForklineError(own, 10)).toBe(own);
    expect(
      toForklineError(
        Object.assign(new Error('big'), { code: 'FST_ERR_CTP_BODY_TOO_LARGE', statusCode: 413 }),
        10,
      ),
    ).toMatchObject({
      code: 'PAYLOAD_TOO_LARGE',
      message: 'the request body is larger than the limit of 10 bytes',
    });
    expect(
      toForklineError(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }), 10).code,
    ).toBe('DEPENDENCY_UNAVAILABLE');
    const internal = toForklineError(new TypeError('secret internals at foo.ts:12'), 10);
    expect(internal).toMatchObject({ code: 'INTERNAL', status: 500 });
    expect(internal.message).not.toContain('secret');
  });
});
