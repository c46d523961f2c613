import PQueue from 'p-queue';

/**
 * Fetches the blocks of a height range ahead of their use, at most `concurrency` at a
 * time and at most `lookahead` heights ahead of the consumer, while the consumer takes
 * them strictly in order with `next()`.
 */
export function createBlockPrefetcher<T>({
  from,
  to,
  concurrency,
  lookahead = concurrency * 4,
  fetch,
}: {
  from: number;
  to: number;
  concurrency: number;
  lookahead?: number;
  fetch: (height: number) => Promise<T>;
}) {
  const queue = new PQueue({ concurrency });
  const pending = new Map<number, Promise<T>>();
  let scheduled = from;
  let consumed = from;

  const fill = () => {
    while (scheduled <= to && scheduled < consumed + lookahead) {
      const height = scheduled++;
      const promise = queue.add(() => fetch(height), { throwOnTimeout: true });
      // The consumer may stop before reaching it: a rejection nobody awaits is not a crash.
      promise.catch(() => undefined);
      pending.set(height, promise);
    }
  };

  return {
    /** The block at the next height, in order from `from` to `to`. */
    async next(): Promise<T> {
      if (consumed > to) throw new Error(`prefetcher is past its last height ${to}`);
      fill();
      const height = consumed++;
      const promise = pending.get(height)!;
      pending.delete(height);
      fill();
      return promise;
    },
    /** Drops what has not started; running fetches finish and are discarded. */
    close(): void {
      queue.clear();
      pending.clear();
    },
  };
}
