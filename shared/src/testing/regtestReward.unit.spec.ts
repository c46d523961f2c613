import { describe, expect, it } from 'vitest';
import { blocksToFund, regtestRewardSats } from './regtestReward.js';

describe('regtest block reward', () => {
  it('is 50 BTC for the first 150 blocks, then halves every 150', () => {
    expect(regtestRewardSats(0)).toBe(5_000_000_000);
    expect(regtestRewardSats(149)).toBe(5_000_000_000);
    expect(regtestRewardSats(150)).toBe(2_500_000_000);
    expect(regtestRewardSats(450)).toBe(625_000_000);
    // 50 BTC halved 32 times is 1 sat, then nothing.
    expect(regtestRewardSats(150 * 32)).toBe(1);
    expect(regtestRewardSats(150 * 33)).toBe(0);
    expect(regtestRewardSats(150 * 64)).toBe(0);
  });

  it('funding a fresh chain takes 101 blocks: the first reward matures at depth 101', () => {
    expect(blocksToFund(0, 5_000_000_000)).toBe(101);
    expect(blocksToFund(0, 5_000_000_001)).toBe(102);
  });

  it('coins maturing already count, so fewer new rewards are needed', () => {
    expect(blocksToFund(200, 10_000_000_000, 9_000_000_000)).toBe(101);
    expect(blocksToFund(200, 10_000_000_000)).toBe(104); // 100 BTC: four rewards of 25 BTC
  });

  it('a chain whose reward has halved away cannot fund anything', () => {
    expect(blocksToFund(10_000, 1)).toBeUndefined();
    expect(blocksToFund(3_000, 100 * 100_000_000)).toBeUndefined();
  });
});
