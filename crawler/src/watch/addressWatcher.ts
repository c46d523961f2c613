import type pg from 'pg';
import { createPgListener } from '#shared/db/createPgListener.js';
import type { Pool } from '#shared/db/pool.js';
import type { Logger } from '#shared/logging/logger.js';
import { backoffDelayMs } from '#shared/retry/retry.js';
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
 * A new address whose load fails (the database away for a moment) is retried with backoff
 * until it is in, and counted meanwhile (/status `addressLoadsFailing`, a gauge).
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
  /** The index's size, and how many new addresses could not be loaded yet. */
  onChange?: (size: number, loadsFailing: number) => void;
}) {
  /** New addresses whose load failed: retried with backoff until each succeeds. */
  const failing = new Set<string>();
  let failures = 0;
  let retryTimer: NodeJS.Timeout | undefined;
  let closed = false;

  async function addAddress(address: string) {
    const row = await selectWatchedAddress(pool, address);
    failing.delete(address);
    if (row && index.add(row.scriptPubKey, { userId: row.userId, address: row.address })) {
      log.info({ address, userId: row.userId }, 'watching new address');
    }
    onChange?.(index.size, failing.size);
  }

  function load(address: string): void {
    addAddress(address).catch((err: unknown) => {
      failing.add(address);
      onChange?.(index.size, failing.size);
      log.warn(
        { address, err: (err as Error).message, failing: failing.size },
        'could not load a new address, retrying',
      );
      scheduleRetry();
    });
  }

  function scheduleRetry(): void {
    if (retryTimer || closed) return;
    const delayMs = backoffDelayMs(++failures, 200, 10_000);
    retryTimer = setTimeout(() => {
      retryTimer = undefined;
      if (failing.size === 0) return;
      const addresses = [...failing];
      void Promise.all(
        addresses.map((a) =>
          addAddress(a).then(
            () => true,
            () => false,
          ),
        ),
      ).then((loaded) => {
        if (loaded.every(Boolean)) failures = 0;
        else scheduleRetry();
      });
    }, delayMs);
  }

  async function loadAll(client: pg.ClientBase): Promise<void> {
    let added = 0;
    // A cursor lives in a transaction; notifications on this connection wait for its
    // commit. On an error the listener closes the connection, which rolls it back.
    await client.query('BEGIN');
    await openWatchedAddressesCursor(client);
    for (;;) {
      const rows = await fetchWatchedAddresses(client, LOAD_BATCH_ROWS);
      for (const r of rows) if (index.add(r.scriptPubKey, { userId: r.userId, address: r.address })) added++;
      if (rows.length < LOAD_BATCH_ROWS) break;
    }
    await client.query('COMMIT');
    // Everything is loaded now, the addresses that failed before too.
    failing.clear();
    log.info({ total: index.size, added }, 'watched addresses loaded');
    onChange?.(index.size, failing.size);
  }

  const listener = createPgListener({
    connectionString,
    applicationName: 'forkline-crawler-watch',
    channel: WATCHED_ADDRESS_CHANNEL,
    onNotification: (address) => {
      if (address) load(address);
    },
    onListening: loadAll,
    log,
  });

  return {
    /** Resolves once the index holds every watched address (retrying while the DB is down). */
    start: () => listener.start(),
    close: () => {
      closed = true;
      clearTimeout(retryTimer);
      return listener.close();
    },
  };
}
