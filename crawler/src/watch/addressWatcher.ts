import type pg from 'pg';
import { createPgListener } from '#shared/db/createPgListener.js';
import type { Logger } from '#shared/logging/logger.js';
import { fetchWatchedAddresses, openWatchedAddressesCursor } from '../db/selectWatchedAddresses.js';
import { WATCHED_ADDRESS_CHANNEL } from '../db/tables.js';
import type { WatchIndex } from '../matching/watchIndex.js';

// Loading a million watched addresses in one result held every row object at once
// next to the index being built: ~750 MB peak RSS. Batches of this many rows bound that.
const LOAD_BATCH_ROWS = 50_000;

/**
 * Loads the addresses matched live into the in-memory index once, at start (waiting for
 * the database), and wakes the crawler's loop when an address is registered (the table's
 * trigger NOTIFYs a channel). The loop places new addresses itself, between two block
 * writes (placeNewAddresses): a notification only says "look now", so a lost one — the
 * connection down for a while — delays a placement until the loop's next pass, never
 * loses it.
 */
export function createAddressWatcher({
  connectionString,
  index,
  log,
  onRegistered,
}: {
  connectionString: string;
  index: WatchIndex;
  log: Logger;
  /** An address was registered: the loop should place it. */
  onRegistered: () => void;
}) {
  let loaded = false;

  async function loadAll(client: pg.ClientBase): Promise<void> {
    onRegistered(); // anything registered while the connection was down
    if (loaded) return;
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
    loaded = true;
    log.info({ total: index.size, added }, 'watched addresses loaded');
  }

  const listener = createPgListener({
    connectionString,
    applicationName: 'forkline-crawler-watch',
    channel: WATCHED_ADDRESS_CHANNEL,
    onNotification: () => onRegistered(),
    onListening: loadAll,
    log,
  });

  return {
    /** Resolves once the index holds every address matched live (retrying while the DB is down). */
    start: () => listener.start(),
    close: () => listener.close(),
  };
}
