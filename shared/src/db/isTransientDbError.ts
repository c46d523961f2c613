/**
 * True for errors that retrying can cure: the server unreachable or restarting, a
 * connection dropped, a serialization conflict or deadlock.
 */
export function isTransientDbError(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string') {
    if (['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN'].includes(code))
      return true;
    // 08 connection exception, 40001 serialization, 40P01 deadlock, 57P0x shutdown, 53 resources
    if (/^(08|53|57P0)/.test(code) || code === '40001' || code === '40P01') return true;
  }
  return /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error/i.test(
    err.message,
  );
}
