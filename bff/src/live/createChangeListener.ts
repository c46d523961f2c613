import type { Pool, PoolClient } from '#shared/db/pool.js';
import type { Logger } from '#shared/logging/logger.js';
import {
  parseUserChangesNotice,
  USER_CHANGES_CHANNEL,
  type UserChangesNotice,
} from '#shared/views/userChanges.js';

export interface ChangeListenerOptions {
  views: Pool;
  log: Logger;
  onNotice: (notice: UserChangesNotice) => void;
  /** Called when LISTEN is back after a lost connection: notices may have been missed. */
  onResync: () => void;
  maxBackoffMs?: number;
}

/**
 * Holds one views connection LISTENing to the projector's announcements. A lost
 * connection is replaced with backoff, and once LISTEN is back the caller is told to
 * catch up (notices sent meanwhile are gone; the change rows are not).
 */
export function createChangeListener({
  views,
  log,
  onNotice,
  onResync,
  maxBackoffMs = 10_000,
}: ChangeListenerOptions) {
  let client: PoolClient | undefined;
  let closed = false;
  let listening = false;
  let retry: NodeJS.Timeout | undefined;
  let backoffMs = 250;

  const connect = async (): Promise<void> => {
    if (closed) return;
    try {
      const c = await views.connect();
      client = c;
      c.on('notification', (msg) => {
        if (msg.channel !== USER_CHANGES_CHANNEL) return;
        const notice = parseUserChangesNotice(msg.payload);
        if (notice) onNotice(notice);
        else log.warn({ payload: msg.payload?.slice(0, 200) }, 'unreadable live update notice ignored');
      });
      c.on('error', (err) => lost(c, err));
      await c.query(`LISTEN ${USER_CHANGES_CHANNEL}`);
      const wasListening = listening;
      listening = true;
      backoffMs = 250;
      if (wasListening) log.info('live updates listening again');
      // Always: a first LISTEN after start may also follow changes nobody was told of.
      onResync();
    } catch (err) {
      if (client) lost(client, err as Error);
      else schedule(err as Error);
    }
  };

  const lost = (c: PoolClient, err: Error) => {
    if (client !== c) return;
    client = undefined;
    c.release(err);
    schedule(err);
  };

  const schedule = (err: Error) => {
    if (closed) return;
    log.warn({ err: err.message, retryInMs: backoffMs }, 'live updates not listening; retrying');
    retry = setTimeout(() => void connect(), backoffMs);
    backoffMs = Math.min(backoffMs * 2, maxBackoffMs);
  };

  void connect();
  return {
    listening: () => client !== undefined && listening,
    close(): void {
      closed = true;
      clearTimeout(retry);
      const c = client;
      client = undefined;
      // Released broken: a LISTENing connection must not go back to the pool.
      c?.release(true);
    },
  };
}
