/**
 * Fixed one-window counters per key, bounded in memory: when `maxKeys` are held, expired
 * windows are swept and, if that frees nothing, the oldest window is forgotten (a flood
 * of new addresses cannot grow the map without bound).
 */
export interface WindowCounter {
  /** Milliseconds until `key`'s window ends if it has used its whole budget, else 0. */
  blockedFor(key: string, now: number): number;
  /** Counts one request for `key`; returns the milliseconds it must wait if this one is over budget, else 0. */
  hit(key: string, now: number): number;
}

export function createWindowCounter(options: {
  max: number;
  windowMs: number;
  maxKeys?: number;
}): WindowCounter {
  const { max, windowMs } = options;
  const maxKeys = options.maxKeys ?? 100_000;
  const windows = new Map<string, { count: number; endsAt: number }>();

  const current = (key: string, now: number) => {
    const window = windows.get(key);
    if (window && window.endsAt > now) return window;
    if (window) windows.delete(key);
    return undefined;
  };

  const makeRoom = (now: number) => {
    if (windows.size < maxKeys) return;
    for (const [key, window] of windows) if (window.endsAt <= now) windows.delete(key);
    // Insertion order is age order: the first key has the oldest window.
    if (windows.size >= maxKeys) windows.delete(windows.keys().next().value as string);
  };

  return {
    blockedFor(key, now) {
      const window = current(key, now);
      return window && window.count >= max ? window.endsAt - now : 0;
    },
    hit(key, now) {
      let window = current(key, now);
      if (!window) {
        makeRoom(now);
        window = { count: 0, endsAt: now + windowMs };
        windows.set(key, window);
      }
      window.count += 1;
      return window.count > max ? window.endsAt - now : 0;
    },
  };
}
