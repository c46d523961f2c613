/**
 * The median of a bench's runs: on a shared 2-core machine single runs swing ±20 %, and
 * the best of them flatters (it is the run the neighbours left alone); the median, shown
 * with every run beside it, says what to expect and how far it spreads.
 */
export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error('median of no runs');
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** The run whose `key` is the median (the lower middle one for an even count). */
export function medianRun<T>(runs: readonly T[], key: (run: T) => number): T {
  if (runs.length === 0) throw new Error('median of no runs');
  return [...runs].sort((a, b) => key(a) - key(b))[Math.floor((runs.length - 1) / 2)]!;
}
