import { describe, expect, it } from 'vitest';
import { ForklineError } from '#shared/errors/catalogue.js';
import { confirmations } from '../activities/activityItem.js';
import { createCursorCodec } from './cursor.js';
import { CURSOR_PATTERN } from './schemas.js';
import { toForklineError } from '#shared/http/problem.js';

describe('cursor', () => {
  const cursors = createCursorCodec('cursor-secret-cursor-secret-cursor!!');

  it('round-trips for its own user and is opaque base64url within the pattern', () => {
    for (const seq of [1, 42, 9_007_199_254_740_991]) {
      const c = cursors.encode('alice', seq);
      expect(c).toMatch(new RegExp(CURSOR_PATTERN));
      expect(cursors.decode('alice', c)).toBe(seq);
    }
  });

  it.each([
    ['another user’s cursor', cursors.encode('bob', 5)],
    ['another server’s cursor', createCursorCodec('x'.repeat(40)).encode('alice', 5)],
    ['a seq edited by hand', forge(cursors.encode('alice', 5), (t) => t.replace(':5:', ':6:'))],
    ['the old unsigned form', Buffer.from('a1:5').toString('base64url')],
    ['trailing junk', `${cursors.encode('alice', 5)}A`],
    ['empty', ''],
    ['garbage', 'abc'],
  ])('refuses %s', (_name, c) => {
    expect(() => cursors.decode('alice', c)).toThrow(ForklineError);
  });
});

function forge(cursor: string, edit: (text: string) => string): string {
  return Buffer.from(edit(Buffer.from(cursor, 'base64url').toString('utf8'))).toString('base64url');
}

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
