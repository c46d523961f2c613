import type { Pool, PoolClient } from '#shared/db/pool.js';
import type { Logger } from '#shared/logging/logger.js';
import { retry } from '#shared/retry/retry.js';
import { listenForOutbox } from '../db/listenForOutbox.js';

export interface OutboxListener {
  start(): void;
  close(): Promise<void>;
}

/**
 * Holds one connection LISTENing to the writers' NOTIFY and calls `onNotify` for each.
 * A lost connection is re-established with backoff; notifications sent meanwhile are
 * lost, so every (re)connect also calls `onNotify`, and the relay's poll covers the rest.
 */
export function createOutboxListener(db: Pool, log: Logger, onNotify: () => void): OutboxListener {
  const abort = new AbortController();
  let client: PoolClient | undefined;
  let running: Promise<void> | undefined;

  async function listenOnce(): Promise<void> {
    const c = await db.connect();
    let lost: (err: Error) => void = () => undefined;
    const connectionLost = new Promise<void>((_, reject) => {
      lost = reject;
    });
    connectionLost.catch(() => undefined); // raced below; must not go unhandled after
    c.on('error', (err) => lost(err));
    c.on('notification', () => onNotify());
    client = c;
    try {
      await listenForOutbox(c);
      log.debug('listening for outbox notifications');
      onNotify();
      await Promise.race([connectionLost, abortPromise()]);
    } catch (err) {
      c.release(err as Error);
      client = undefined;
      throw err;
    }
    c.release(true); // LISTEN state must not go back to the pool
    client = undefined;
  }

  function abortPromise(): Promise<void> {
    return new Promise((resolve) => {
      if (abort.signal.aborted) resolve();
      else abort.signal.addEventListener('abort', () => resolve(), { once: true });
    });
  }

  async function run(): Promise<void> {
    while (!abort.signal.aborted) {
      await retry(listenOnce, {
        initialRetryMs: 200,
        maxRetryMs: 5_000,
        signal: abort.signal,
        onRetry: (err, attempt, delayMs) =>
          log.warn({ err: (err as Error).message, attempt, delayMs }, 'outbox LISTEN connection lost'),
      }).catch(() => undefined);
    }
  }

  return {
    start() {
      running ??= run();
    },
    async close() {
      abort.abort();
      await running;
      client?.release(true);
      client = undefined;
    },
  };
}
