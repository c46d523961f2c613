import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { createBlockPrefetcher } from './blockPrefetcher.js';

describe('createBlockPrefetcher', () => {
  it('delivers in height order although fetches finish out of order, with bounded concurrency', async () => {
    let running = 0;
    let peak = 0;
    const prefetcher = createBlockPrefetcher({
      from: 10,
      to: 29,
      concurrency: 3,
      fetch: async (h) => {
        peak = Math.max(peak, ++running);
        await sleep((h * 7) % 5);
        running--;
        return h;
      },
    });
    const got: number[] = [];
    for (let i = 10; i <= 29; i++) got.push(await prefetcher.next());
    expect(got).toEqual(Array.from({ length: 20 }, (_, i) => 10 + i));
    expect(peak).toBeLessThanOrEqual(3);
  });

  it('surfaces a failed fetch at its height only', async () => {
    const prefetcher = createBlockPrefetcher({
      from: 0,
      to: 3,
      concurrency: 2,
      fetch: (h) => (h === 2 ? Promise.reject(new Error('gone')) : Promise.resolve(h)),
    });
    expect(await prefetcher.next()).toBe(0);
    expect(await prefetcher.next()).toBe(1);
    await expect(prefetcher.next()).rejects.toThrow('gone');
    prefetcher.close();
  });
});
