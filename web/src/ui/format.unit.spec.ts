import { describe, expect, it } from 'vitest';
import { formatBtc, formatEur, valueInEurCents } from './format.js';

describe('amounts on the page', () => {
  it.each([
    [0, {}, '0.00000000 BTC'],
    [1, {}, '0.00000001 BTC'],
    [50_000_000, { signed: true }, '+0.50000000 BTC'],
    [-12_345, { signed: true }, '−0.00012345 BTC'],
    [-12_345, {}, '−0.00012345 BTC'],
    [2_100_000_000_000_000, {}, '21,000,000.00000000 BTC'],
  ])('%i sats reads %s %s', (sats, options, text) => {
    expect(formatBtc(sats, options)).toBe(text);
  });

  it('euros with two decimals and grouped thousands', () => {
    expect(formatEur(6_000_000)).toBe('€60,000.00');
    expect(formatEur(5)).toBe('€0.05');
    expect(formatEur(-123_456)).toBe('−€1,234.56');
  });

  it('values BTC at the house price to the nearest cent', () => {
    expect(valueInEurCents(50_000_000, 6_000_000)).toBe(3_000_000);
    expect(valueInEurCents(1, 6_000_000)).toBe(0);
    expect(valueInEurCents(123_456_789, 5_499_999)).toBe(6_790_122);
  });
});
