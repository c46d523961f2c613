import { describe, expect, it } from 'vitest';
import { parseAddress, parseBtc, parseBtcSats, parseCount, parseEurCents, parseTxid } from './parse.js';
import { CliError } from './stack.js';

describe('CLI argument parsing', () => {
  it.each([
    ['1', 1],
    ['250', 250],
  ])('count %s', (input, expected) => expect(parseCount(input, 'n', 1000)).toBe(expected));

  it.each(['0', '-1', '1.5', 'abc', '', '1001'])('refuses count %j, naming the argument', (input) => {
    expect(() => parseCount(input, 'depth', 1000)).toThrow(/^depth must be a whole number from 1 to 1000/);
  });

  it.each([
    ['0.5', 0.5],
    ['21', 21],
    ['0.00000001', 0.00000001],
  ])('amount %s', (input, expected) => expect(parseBtc(input)).toBe(expected));

  it.each(['0', '0.000000001', '-1', '1e3', 'one', '1,5'])('refuses amount %j', (input) => {
    expect(() => parseBtc(input)).toThrow(/amount must be in BTC with at most 8 decimals/);
  });

  const txid = 'a'.repeat(64);
  it('txid, answered in lower case', () => {
    expect(parseTxid(txid)).toBe(txid);
    expect(parseTxid('AB'.repeat(32))).toBe('ab'.repeat(32));
  });

  it.each(['', 'abc', 'a'.repeat(63), 'a'.repeat(65), `${'a'.repeat(63)}g`, ` ${'a'.repeat(64)}`])(
    'refuses txid %j, naming the argument',
    (input) => {
      expect(() => parseTxid(input, '--double-spend')).toThrow(
        /^--double-spend must be a txid, 64 hex characters \(got "/,
      );
    },
  );

  it.each([
    'bcrt1qw508d6qejxtdg4y5r3zarvary0c5xw7kygt080',
    'bcrt1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqc8gma6',
    'mipcBbFg9gMiCh81Kj8tqqdgoZub1ZJRfn',
  ])('address %s', (input) => expect(parseAddress(input)).toBe(input));

  it('refuses an address of another network, saying which', () => {
    expect(() => parseAddress('bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4')).toThrow(
      /is a mainnet address, but this forkline follows regtest/,
    );
  });

  it.each(['', 'bcrt1qxyz', 'not an address'])('refuses %j as no address', (input) => {
    expect(() => parseAddress(input)).toThrow(CliError);
    expect(() => parseAddress(input)).toThrow(/is not a Bitcoin address/);
  });

  it.each([
    ['1', 100_000_000],
    ['0.00000001', 1],
    ['0.1', 10_000_000],
    ['20999999.99999999', 2_099_999_999_999_999],
  ])('BTC %s in satoshis', (input, expected) => expect(parseBtcSats(input)).toBe(expected));

  it.each([
    ['65000', 6_500_000],
    ['65000.5', 6_500_050],
    ['0.01', 1],
    ['64999.99', 6_499_999],
  ])('euros %s in cents', (input, expected) => expect(parseEurCents(input)).toBe(expected));

  it.each(['0', '0.00', '1.234', '-5', '1e3', 'abc', '', '12345678901'])('refuses euros %j', (input) => {
    expect(() => parseEurCents(input, 'limit')).toThrow(/^limit must be in euros with at most 2 decimals/);
  });
});
