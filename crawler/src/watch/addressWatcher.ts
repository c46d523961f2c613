import type pg from 'pg';
import { createPgListener } from '#shared/db/createPgListener.js';
import type { Pool } from '#shared/db/pool.js';
import type { Logger } from '#shared/logging/logger.js';
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
  async function addAddress(address: string) {
    const row = await selectWatchedAddress(pool, address);
    if (row && index.add(row.scriptPubKey, { userId: row.userId, address: row.address })) {
      log.info({ address, userId: row.userId }, 'watching new address');
      onChange?.(index.size);
    }
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
    log.info({ total: index.size, added }, 'watched addresses loaded');
    onChange?.(index.size);
  }

  const listener = createPgListener({
    connectionString,
    applicationName: 'forkline-crawler-watch',
    channel: WATCHED_ADDRESS_CHANNEL,
    onNotification: (address) => {
      if (!address) return;
      addAddress(address).catch((err: unknown) =>
        // The reload after the next reconnect picks it up; log, do not crash.
        log.warn({ address, err: (err as Error).message }, 'could not load a new address'),
      );
    },
    onListening: loadAll,
    log,
  });

  return {
    /** Resolves once the index holds every watched address (retrying while the DB is down). */
    start: () => listener.start(),
    close: () => listener.close(),
  };
}
