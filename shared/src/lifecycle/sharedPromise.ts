/**
 * Wraps an async operation so that concurrent and repeated callers share one run:
 * makes start() and close() idempotent without flags scattered around.
 */
export function sharedPromise<T>(operation: () => Promise<T>): () => Promise<T> {
  let promise: Promise<T> | undefined;
  return () => (promise ??= operation());
}
