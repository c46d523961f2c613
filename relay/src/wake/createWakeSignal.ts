export interface WakeSignal {
  /** Marks work as available and ends a current wait. */
  wake(): void;
  /** Forgets earlier wake-ups: call before looking for work, which then sees all they announced. */
  clear(): void;
  /** Resolves at the next wake-up (at once if one came since clear()), or after timeoutMs. */
  wait(timeoutMs: number): Promise<'woken' | 'timeout'>;
}

/** A level-triggered wake-up: a wake() that arrives while nobody waits is not lost. */
export function createWakeSignal(): WakeSignal {
  let pending = false;
  let release: (() => void) | undefined;
  return {
    wake() {
      pending = true;
      release?.();
    },
    clear() {
      pending = false;
    },
    wait(timeoutMs) {
      if (pending) return Promise.resolve('woken');
      return new Promise((resolve) => {
        const timer = setTimeout(() => {
          release = undefined;
          resolve('timeout');
        }, timeoutMs);
        release = () => {
          clearTimeout(timer);
          release = undefined;
          resolve('woken');
        };
      });
    },
  };
}
