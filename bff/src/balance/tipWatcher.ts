interface Waiter {
  minHeight: number;
  resolve: (reached: boolean) => void;
  timer: NodeJS.Timeout;
}

export interface TipWatcherOptions {
  /** The projection's tip height, null before its first block. */
  readTipHeight: () => Promise<number | null>;
  intervalMs?: number;
}

/**
 * Lets balance requests wait until the projection reaches a height. One poll of the tip
 * serves every waiting request, and it runs only while someone waits, so a thousand
 * long-polls cost one query per interval, not a thousand.
 */
export function createTipWatcher({ readTipHeight, intervalMs = 100 }: TipWatcherOptions) {
  const waiters = new Set<Waiter>();
  let poller: NodeJS.Timeout | undefined;
  let polling = false;
  let closed = false;

  const settle = (waiter: Waiter, reached: boolean) => {
    clearTimeout(waiter.timer);
    waiters.delete(waiter);
    waiter.resolve(reached);
    if (waiters.size === 0 && poller) {
      clearInterval(poller);
      poller = undefined;
    }
  };

  const poll = async () => {
    if (polling) return;
    polling = true;
    try {
      const height = await readTipHeight();
      if (height === null) return;
      for (const waiter of [...waiters]) if (height >= waiter.minHeight) settle(waiter, true);
    } catch {
      // The database is away: keep waiting; the final read answers 503 if it still is.
    } finally {
      polling = false;
    }
  };

  return {
    /** Resolves true once the tip is ≥ minHeight, false after timeoutMs (or on close). */
    waitForHeight(minHeight: number, timeoutMs: number): Promise<boolean> {
      if (closed || timeoutMs <= 0) return Promise.resolve(false);
      return new Promise<boolean>((resolve) => {
        const waiter: Waiter = {
          minHeight,
          resolve,
          timer: setTimeout(() => settle(waiter, false), timeoutMs),
        };
        waiters.add(waiter);
        poller ??= setInterval(() => void poll(), intervalMs);
      });
    },

    get waiting(): number {
      return waiters.size;
    },

    close(): void {
      closed = true;
      for (const waiter of [...waiters]) settle(waiter, false);
    },
  };
}

export type TipWatcher = ReturnType<typeof createTipWatcher>;
