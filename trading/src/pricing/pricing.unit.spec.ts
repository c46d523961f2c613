import { describe, expect, it } from 'vitest';
import { crosses } from './crosses.js';
import { eurCents } from './eurCents.js';
import { priceEurCents } from './priceEurCents.js';

describe('eurCents: exact BigInt value, buys rounded up and sells down', () => {
  it('is exact when the product divides evenly, whatever the side', () => {
    // 0.5 BTC at 60,000.00 EUR = 30,000.00 EUR
    expect(eurCents('buy', 50_000_000, 6_000_000)).toBe(3_000_000);
    expect(eurCents('sell', 50_000_000, 6_000_000)).toBe(3_000_000);
  });

  it('rounds a buy up and a sell down by at most one cent', () => {
    // 1 sat at 60,000.00 EUR is 0.06 cents.
    expect(eurCents('buy', 1, 6_000_000)).toBe(1);
    expect(eurCents('sell', 1, 6_000_000)).toBe(0);
    // 12,345,678 sats at 61,234.56 EUR: 7,559,822.5... cents
    const exact = (12_345_678n * 6_123_456n) / 100_000_000n;
    expect(eurCents('sell', 12_345_678, 6_123_456)).toBe(Number(exact));
    expect(eurCents('buy', 12_345_678, 6_123_456)).toBe(Number(exact) + 1);
  });

  it('stays exact where floating point would not', () => {
    // 2^53-ish products: 10 BTC at 90,071,992.54 EUR.
    const sats = 1_000_000_000;
    const price = 9_007_199_254;
    expect(eurCents('sell', sats, price)).toBe(Number((BigInt(sats) * BigInt(price)) / 100_000_000n));
  });

  it('refuses a value JSON cannot carry exactly', () => {
    expect(() => eurCents('buy', 2_100_000_000_000_000, 9_007_199_254_740_991)).toThrow(RangeError);
  });
});

describe('priceEurCents: a decimal EUR price with at most 2 decimals', () => {
  it.each([
    [60000, 6_000_000],
    [0.29, 29],
    [0.01, 1],
    [12345.6, 1_234_560],
    [12345.67, 1_234_567],
    [1.1, 110],
  ])('%s EUR → %s cents', (eur, cents) => expect(priceEurCents(eur)).toBe(cents));

  it.each([0, -1, 0.001, 1.234, 1e21, Number.NaN, Infinity, 0.004])('refuses %s', (eur) =>
    expect(priceEurCents(eur)).toBeUndefined(),
  );
});

describe('crosses: buy at or below its limit, sell at or above', () => {
  it('fills a buy when the price is at or under the limit only', () => {
    expect(crosses('buy', 100, 99)).toBe(true);
    expect(crosses('buy', 100, 100)).toBe(true);
    expect(crosses('buy', 100, 101)).toBe(false);
  });

  it('fills a sell when the price is at or over the limit only', () => {
    expect(crosses('sell', 100, 101)).toBe(true);
    expect(crosses('sell', 100, 100)).toBe(true);
    expect(crosses('sell', 100, 99)).toBe(false);
  });
});
