import { describe, expect, it } from 'vitest';
import { parseAddress, parseBtc, parseCount, parseTxid } from './parse.js';
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
});
