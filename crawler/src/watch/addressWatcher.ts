import pg from 'pg';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Pool } from '#shared/db/pool.js';
import type { Logger } from '#shared/logging/logger.js';
import { sharedPromise } from '#shared/lifecycle/sharedPromise.js';
import { retry } from '#shared/retry/retry.js';
import {
  fetchWatchedAddresses,
  openWatchedAddressesCursor,
  selectWatchedAddress,
} from '../db/selectWatchedAddresses.js';
import { WATCHED_ADDRESS_CHANNEL } from '../db/tables.js';
import type { WatchIndex } from '../matching/watchIndex.js';

// Loading a million watched addresses in one result held every row object at once
// next to the index being built: ~750 MB peak RSS. Batches of this many rows bound that.
const LOAD_BATCH_ROWS = 50_000;

/**
 * Keeps the in-memory index equal to the watched_addresses table while running: LISTEN
 * on the channel the table's trigger NOTIFYs, then load everything (in that order, so
 * an address inserted during the load is not missed). A lost connection is re-opened
 * with backoff and followed by a full reload, which covers notifications missed meanwhile.
 */
export function createAddressWatcher({
  connectionString,
  pool,
  index,
  log,
  onChange,
}: {
  connectionString: string;
  pool: Pool;
  index: WatchIndex;
  log: Logger;
  onChange?: (size: number) => void;
}) {
  const abort = new AbortController();
  let client: pg.Client | undefined;
  let firstLoad: ((err?: unknown) => void) | undefined;
  let supervisor: Promise<void> | undefined;

  async function addAddress(address: string) {
    const row = await selectWatchedAddress(pool, address);
    if (row && index.add(row.scriptPubKey, { userId: row.userId, address: row.address })) {
      log.info({ address, userId: row.userId }, 'watching new address');
      onChange?.(index.size);
    }
  }

  async function connectAndLoad(): Promise<pg.Client> {
    const c = new pg.Client({ connectionString, application_name: 'forkline-crawler-watch' });
    c.on('error', () => undefined); // surfaced through 'end'
    try {
      await c.connect();
      c.on('notification', (msg) => {
        if (msg.channel !== WATCHED_ADDRESS_CHANNEL || !msg.payload) return;
        addAddress(msg.payload).catch((err: unknown) =>
          // The reload after the next reconnect picks it up; log, do not crash.
          log.warn({ address: msg.payload, err: (err as Error).message }, 'could not load a new address'),
        );
      });
      await c.query(`LISTEN ${WATCHED_ADDRESS_CHANNEL}`);
      let added = 0;
      // A cursor lives in a transaction; notifications on this connection wait for its
      // commit. On an error the connection is closed (below), which rolls it back.
      await c.query('BEGIN');
      await openWatchedAddressesCursor(c);
      for (;;) {
        const rows = await fetchWatchedAddresses(c, LOAD_BATCH_ROWS);
        for (const r of rows)
          if (index.add(r.scriptPubKey, { userId: r.userId, address: r.address })) added++;
        if (rows.length < LOAD_BATCH_ROWS) break;
      }
      await c.query('COMMIT');
      log.info({ total: index.size, added }, 'watched addresses loaded');
      onChange?.(index.size);
      return c;
    } catch (err) {
      await c.end().catch(() => undefined);
      throw err;
    }
  }

  async function supervise() {
    while (!abort.signal.aborted) {
      try {
        client = await retry(() => connectAndLoad(), {
          initialRetryMs: 200,
          maxRetryMs: 10_000,
          signal: abort.signal,
          onRetry: (err, attempt, delayMs) =>
            log.warn(
              { err: (err as Error).message, attempt, delayMs },
              'cannot load watched addresses, retrying',
            ),
        });
      } catch (err) {
        firstLoad?.(err);
        return;
      }
      firstLoad?.();
      firstLoad = undefined;
      const c = client;
      await new Promise<void>((resolve) => c.once('end', resolve));
      if (abort.signal.aborted) return;
      log.warn('watched-address listener lost its connection, reconnecting');
      await sleep(200, undefined, { signal: abort.signal }).catch(() => undefined);
    }
  }

  /** Resolves once the index holds every watched address (retrying while the DB is down). */
  const start = sharedPromise(
    () =>
      new Promise<void>((resolve, reject) => {
        firstLoad = (err) =>
          err instanceof Error ? reject(err) : err ? reject(new Error('watch start failed')) : resolve();
        supervisor = supervise();
      }),
  );

  const close = sharedPromise(async () => {
    abort.abort();
    await client?.end().catch(() => undefined);
    await supervisor;
  });

  return { start, close };
}
