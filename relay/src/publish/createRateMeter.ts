/**
 * Events per second over a sliding window, in one-second buckets: what the relay's
 * /status shows as its current publish rate. `now` is injectable for tests.
 */
export function createRateMeter(windowSeconds = 10, now: () => number = Date.now) {
  const buckets = new Map<number, number>();
  const startedAt = now();
  const second = () => Math.floor(now() / 1000);
  const prune = (current: number) => {
    for (const key of buckets.keys()) if (key <= current - windowSeconds) buckets.delete(key);
  };
  return {
    add(count: number): void {
      const s = second();
      buckets.set(s, (buckets.get(s) ?? 0) + count);
      prune(s);
    },
    /** The rate over the window's completed seconds plus the current partial one. */
    perSecond(): number {
      const t = now();
      const current = Math.floor(t / 1000);
      prune(current);
      let total = 0;
      for (const count of buckets.values()) total += count;
      const elapsed = Math.min(windowSeconds - 1 + (t % 1000) / 1000, (t - startedAt) / 1000);
      return elapsed > 0 ? total / elapsed : 0;
    },
  };
}
