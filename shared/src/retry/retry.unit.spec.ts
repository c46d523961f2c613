import { describe, expect, it } from 'vitest';
import { retry } from './retry.js';

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
});
