export type WakeOutcome = 'woken' | 'timeout' | 'aborted';

export interface WakeSignal {
  /** Marks work as available and ends a current wait. */
  wake(): void;
  /** Forgets earlier wake-ups: call before looking for work, which then sees all they announced. */
  clear(): void;
  /**
   * Resolves at the next wake-up (at once if one came since clear()), after `timeoutMs`,
   * or when `signal` aborts (at once if it already has).
   */
  wait(timeoutMs: number, signal?: AbortSignal): Promise<WakeOutcome>;
}

/**
 * A level-triggered wake-up for a loop that looks for work on a timer and sooner when
 * told (a NOTIFY, a ZMQ message): a wake() that arrives while the loop is busy, not
 * waiting, is kept, so the loop looks again at once instead of sleeping a full interval.
 */
export function createWakeSignal(): WakeSignal {
  let pending = false;
  let release: ((outcome: WakeOutcome) => void) | undefined;
  return {
    wake() {
      pending = true;
      release?.('woken');
    },
    clear() {
      pending = false;
    },
    wait(timeoutMs, signal) {
      if (pending) return Promise.resolve('woken');
      if (signal?.aborted) return Promise.resolve('aborted');
      return new Promise((resolve) => {
        const onAbort = () => finish('aborted');
        const timer = setTimeout(() => finish('timeout'), timeoutMs);
        signal?.addEventListener('abort', onAbort, { once: true });
        function finish(outcome: WakeOutcome) {
          clearTimeout(timer);
          signal?.removeEventListener('abort', onAbort);
          release = undefined;
          resolve(outcome);
        }
        release = finish;
      });
    },
  };
}
