import pg from 'pg';
import { setTimeout as sleep } from 'node:timers/promises';
import { sharedPromise } from '../lifecycle/sharedPromise.js';
import type { Logger } from '../logging/logger.js';
import { retry } from '../retry/retry.js';

export interface PgListener {
  /** Resolves once the first LISTEN took effect and `onListening` ran (retrying meanwhile). */
  start(): Promise<void>;
  close(): Promise<void>;
}

export interface PgListenerOptions {
  connectionString: string;
  applicationName: string;
  /** A channel name the writers NOTIFY (an SQL identifier, spliced into LISTEN). */
  channel: string;
  /** Called for each NOTIFY on the channel with its payload ('' when it has none). */
  onNotification: (payload: string) => void;
  /**
   * Runs on every (re)connection once LISTEN is in effect, with the listening client.
   * Notifications sent while no connection listened are lost: this is where the caller
   * catches up (a reload, a wake-up). If it throws, the connection is closed and retried.
   */
  onListening: (client: pg.ClientBase) => Promise<void> | void;
  log: Logger;
  initialRetryMs?: number;
  maxRetryMs?: number;
  /** A server that drops packets must not hold a (re)connect, or close(), for minutes. */
  connectTimeoutMs?: number;
}

const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * LISTEN on a dedicated connection, re-opened with backoff whenever it is lost.
 *
 * Dedicated, not borrowed from a pool: LISTEN is session state, so a pooled connection
 * would carry it to its next borrower once released, and one kept checked out for good
 * silently shrinks the pool the real work needs. The client is ours alone and its
 * LISTEN ends with it.
 */
export function createPgListener(options: PgListenerOptions): PgListener {
  const { connectionString, applicationName, channel, onNotification, onListening, log } = options;
  if (!IDENTIFIER.test(channel)) throw new Error(`invalid LISTEN channel ${JSON.stringify(channel)}`);
  const abort = new AbortController();
  /** The connection being opened or listening: close() ends it either way. */
  let client: pg.Client | undefined;
  let supervisor: Promise<void> | undefined;

  /** Connects, listens and catches up; resolves with the client and a promise of why it ended. */
  async function listen(): Promise<{ client: pg.Client; ended: Promise<string> }> {
    const c = new pg.Client({
      connectionString,
      application_name: applicationName,
      connectionTimeoutMillis: options.connectTimeoutMs ?? 5_000,
    });
    let lastError: Error | undefined;
    c.on('error', (err) => (lastError = err)); // a lost connection surfaces as 'end'
    const ended = new Promise<string>((resolve) =>
      c.once('end', () => resolve(lastError?.message ?? 'connection ended')),
    );
    client = c;
    try {
      if (abort.signal.aborted) throw new Error('listener closed');
      await c.connect();
      c.on('notification', (msg) => {
        if (msg.channel === channel) onNotification(msg.payload ?? '');
      });
      await c.query(`LISTEN ${channel}`);
      await onListening(c);
      return { client: c, ended };
    } catch (err) {
      client = undefined;
      await c.end().catch(() => undefined);
      throw err;
    }
  }

  async function supervise(first: { resolve: () => void; reject: (err: unknown) => void }): Promise<void> {
    let reconnects = 0;
    while (!abort.signal.aborted) {
      let listening: Awaited<ReturnType<typeof listen>>;
      try {
        listening = await retry(listen, {
          initialRetryMs: options.initialRetryMs ?? 200,
          maxRetryMs: options.maxRetryMs ?? 10_000,
          signal: abort.signal,
          onRetry: (err, attempt, delayMs) =>
            log.warn(
              { err: err instanceof Error ? err.message : String(err), attempt, delayMs, channel },
              'cannot listen and catch up, retrying',
            ),
        });
      } catch (err) {
        // retry() gives up only once close() aborted it; anything else is a bug to see.
        if (!abort.signal.aborted) log.error({ err, channel }, 'listener stopped unexpectedly');
        first.reject(err);
        return;
      }
      if (abort.signal.aborted) {
        await listening.client.end().catch(() => undefined);
        break;
      }
      if (reconnects > 0) log.info({ channel, reconnects }, 'listening again');
      first.resolve();
      const reason = await listening.ended;
      client = undefined;
      if (abort.signal.aborted) break;
      reconnects++;
      log.warn({ channel, err: reason }, 'LISTEN connection lost, reconnecting');
      // A connection that dies right after every catch-up must not reload back to back.
      await sleep(options.initialRetryMs ?? 200, undefined, { signal: abort.signal }).catch(() => undefined);
    }
    first.reject(new Error('listener closed'));
  }

  const start = sharedPromise(
    () =>
      new Promise<void>((resolve, reject) => {
        supervisor = supervise({ resolve, reject });
      }),
  );

  const close = sharedPromise(async () => {
    abort.abort();
    await client?.end().catch(() => undefined);
    await supervisor;
  });

  return { start, close };
}
