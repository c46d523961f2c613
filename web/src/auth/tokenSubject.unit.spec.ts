import { describe, expect, it } from 'vitest';
import { tokenSubject } from './tokenSubject.js';

const jwt = (claims: object) =>
  `eyJhbGciOiJIUzI1NiJ9.${btoa(JSON.stringify(claims)).replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_')}.sig`;

describe("a token's user", () => {
  it('is the JWT subject', () => {
    expect(tokenSubject(jwt({ sub: 'alice_01', exp: 1 }))).toBe('alice_01');
    expect(tokenSubject(jwt({ sub: 'ü?>>' }))).toBe('ü?>>');
  });

  it('is unknown for what is not a JWT with a subject', () => {
    expect(tokenSubject('admin-token-0123456789')).toBeNull();
    expect(tokenSubject(jwt({ exp: 1 }))).toBeNull();
    expect(tokenSubject('a.%%%.c')).toBeNull();
  });
});
