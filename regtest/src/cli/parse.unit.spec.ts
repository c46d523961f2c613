import { describe, expect, it } from 'vitest';
import { parseBtc, parseCount } from './parse.js';

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
});
