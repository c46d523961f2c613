/** The value at fraction `p` (0–1) of an ascending list: p99 of 5,000 is its 4,950th. */
export function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] ?? NaN;
}
