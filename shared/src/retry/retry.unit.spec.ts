import { describe, expect, it } from 'vitest';
import { backoffDelayMs, retry } from './retry.js';

describe('retry', () => {
  it('retries until success', async () => {
    let calls = 0;
    const result = await retry(
      () => {
        calls++;
        return calls < 3 ? Promise.reject(new Error('flaky')) : Promise.resolve('ok');
      },
      { initialRetryMs: 1 },
    );
    expect(result).toBe('ok');
    expect(calls).toBe(3);
  });

  it('throws a non-retriable error at once', async () => {
    let calls = 0;
    const failing = retry(
      () => {
        calls++;
        return Promise.reject(new Error('fatal'));
      },
      { initialRetryMs: 1, isRetriable: () => false },
    );
    await expect(failing).rejects.toThrow('fatal');
    expect(calls).toBe(1);
  });

  it('gives up after maxAttempts', async () => {
    await expect(
      retry(() => Promise.reject(new Error('down')), { initialRetryMs: 1, maxAttempts: 2 }),
    ).rejects.toThrow('down');
  });

  it('backs off by doubling up to the maximum, each wait in the upper half of its ceiling', () => {
    for (let i = 0; i < 200; i++) {
      const waits = [1, 2, 3, 4, 5, 6, 40].map((attempt) => backoffDelayMs(attempt, 250, 5_000));
      const ceilings = [250, 500, 1_000, 2_000, 4_000, 5_000, 5_000];
      waits.forEach((w, n) => {
        expect(w).toBeGreaterThanOrEqual(ceilings[n]! / 2);
        expect(w).toBeLessThanOrEqual(ceilings[n]!);
      });
    }
  });
});
