import { describe, expect, it } from 'vitest';
import { pickCoins, type Coin } from './pickCoins.js';

const coin = (txid: string, sats: number, confirmed = true, vout = 0): Coin => ({
  txid,
  vout,
  sats,
  confirmed,
});

const ids = (coins: Coin[]) => coins.map((c) => `${c.txid}:${c.vout}`);

describe("a sell's coins: largest first, confirmed first, only as many as it needs", () => {
  it('takes the largest confirmed coin alone when it covers the target', () => {
    const coins = [coin('a', 10_000), coin('b', 5_000_000), coin('c', 20_000_000)];
    expect(ids(pickCoins(coins, 1_010_000))).toEqual(['c:0']);
  });

  it('adds coins, largest first, until the target is covered', () => {
    const coins = [coin('a', 3_000), coin('b', 6_000), coin('c', 4_000), coin('d', 1_000)];
    expect(ids(pickCoins(coins, 9_000))).toEqual(['b:0', 'c:0']);
    expect(ids(pickCoins(coins, 10_001))).toEqual(['b:0', 'c:0', 'a:0']);
  });

  it('spends confirmed coins before unconfirmed ones, however large', () => {
    const coins = [coin('big', 90_000, false), coin('small', 2_000), coin('mid', 5_000)];
    expect(ids(pickCoins(coins, 6_000))).toEqual(['mid:0', 'small:0']);
    expect(ids(pickCoins(coins, 8_000))).toEqual(['mid:0', 'small:0', 'big:0']);
  });

  it('gives every coin when they do not cover the target, none when there are none', () => {
    const coins = [coin('a', 1_000), coin('b', 2_000, false)];
    expect(ids(pickCoins(coins, 50_000))).toEqual(['a:0', 'b:0']);
    expect(pickCoins([], 1)).toEqual([]);
  });

  it('orders equal coins by outpoint, whatever order the wallet lists them in', () => {
    const coins = [coin('t', 5_000, true, 1), coin('t', 5_000, true, 0), coin('s', 5_000)];
    expect(ids(pickCoins(coins, 10_000))).toEqual(['s:0', 't:0']);
    expect(ids(pickCoins([...coins].reverse(), 10_000))).toEqual(['s:0', 't:0']);
  });
});
