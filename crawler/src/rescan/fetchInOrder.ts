/**
 * Maps `items` through `fetch` with at most `concurrency` calls at once; the results in
 * the items' order. The first failure rejects (the others still settle, unobserved).
 */
export async function fetchInOrder<T, R>(
  items: readonly T[],
  concurrency: number,
  fetch: (item: T) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fetch(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  return results;
}
