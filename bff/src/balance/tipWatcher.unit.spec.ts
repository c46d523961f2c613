import { describe, expect, it } from 'vitest';
import { createTipWatcher } from './tipWatcher.js';

describe('tipWatcher', () => {
  it('one poll serves every waiter; each resolves when its height is reached', async () => {
    let height: number | null = null;
    let polls = 0;
    const watcher = createTipWatcher({
      readTipHeight: () => Promise.resolve((polls++, height)),
      intervalMs: 5,
    });
    const waits = [3, 3, 5].map((h) => watcher.waitForHeight(h, 10_000));
    expect(watcher.waiting).toBe(3);
    height = 4;
    await expect(Promise.all(waits.slice(0, 2))).resolves.toEqual([true, true]);
    expect(watcher.waiting).toBe(1);
    height = 5;
    await expect(waits[2]).resolves.toBe(true);
    expect(watcher.waiting).toBe(0);
    expect(polls).toBeGreaterThan(0);
  });

  it('times out with false, survives a failing read, and close releases everyone', async () => {
    const watcher = createTipWatcher({
      readTipHeight: () => Promise.reject(new Error('db down')),
      intervalMs: 5,
    });
    await expect(watcher.waitForHeight(1, 30)).resolves.toBe(false);
    const pending = watcher.waitForHeight(1, 10_000);
    watcher.close();
    await expect(pending).resolves.toBe(false);
    await expect(watcher.waitForHeight(1, 10_000)).resolves.toBe(false);
  });
});
