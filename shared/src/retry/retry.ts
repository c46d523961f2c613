import { setTimeout as sleep } from 'node:timers/promises';

export interface RetryOptions {
  initialRetryMs?: number;
  maxRetryMs?: number;
  /** Give up after this many attempts; Infinity retries until the signal aborts. */
  maxAttempts?: number;
  /** Only errors this accepts are retried; others are thrown at once. */
  isRetriable?: (err: unknown) => boolean;
  onRetry?: (err: unknown, attempt: number, delayMs: number) => void;
  signal?: AbortSignal;
}

/**
 * The wait before retry number `attempt` (1, 2, …): doubling from `initialMs` up to `maxMs`,
 * then a random point in the upper half of that, so many clients that failed together do
 * not retry in step.
 */
export function backoffDelayMs(attempt: number, initialMs: number, maxMs: number): number {
  const ceiling = Math.min(maxMs, initialMs * 2 ** Math.min(attempt - 1, 30));
  return Math.round(ceiling / 2 + (Math.random() * ceiling) / 2);
}

/** Runs `operation` until it succeeds, backing off exponentially with jitter (backoffDelayMs). */
export async function retry<T>(
  operation: (attempt: number) => Promise<T>,
  options: RetryOptions = {},
): Promise<T> {
  const {
    initialRetryMs = 100,
    maxRetryMs = 5_000,
    maxAttempts = Infinity,
    isRetriable = () => true,
    onRetry,
    signal,
  } = options;
  for (let attempt = 1; ; attempt++) {
    try {
      return await operation(attempt);
    } catch (err) {
      if (attempt >= maxAttempts || !isRetriable(err) || signal?.aborted) throw err;
      const delayMs = backoffDelayMs(attempt, initialRetryMs, maxRetryMs);
      onRetry?.(err, attempt, delayMs);
      await sleep(delayMs, undefined, signal ? { signal } : undefined).catch(() => undefined);
      if (signal?.aborted) throw err;
    }
  }
}
