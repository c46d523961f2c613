import type { Executor } from '#shared/db/pool.js';
import { WATCHED_ADDRESSES_TABLE } from './tables.js';

export interface WatchedAddress {
  address: string;
  userId: string;
  scriptPubKey: Buffer;
}

interface WatchedRow {
  address: string;
  user_id: string;
  script_pubkey: Buffer;
}

const toWatched = (r: WatchedRow): WatchedAddress => ({
  address: r.address,
  userId: r.user_id,
  scriptPubKey: r.script_pubkey,
});

const CURSOR = 'forkline_watched_addresses';

/**
 * Opens a cursor over every watched address matched live (joined: the others are placed
 * by the crawler's loop, placeNewAddresses), inside the caller's transaction: the index
 * is loaded in batches (fetchWatchedAddresses), so a million rows never sit in memory at
 * once next to the index they are copied into. A cursor, not keyset pages: it reads
 * the table in one sequential scan, where pages by address hop around the heap.
 */
export async function openWatchedAddressesCursor(tx: Executor): Promise<void> {
  await tx.query(
    `DECLARE ${CURSOR} NO SCROLL CURSOR FOR SELECT address, user_id, script_pubkey FROM ${WATCHED_ADDRESSES_TABLE} WHERE joined_height IS NOT NULL`,
  );
}

/** The next `count` rows of the cursor; fewer at the end. */
export async function fetchWatchedAddresses(tx: Executor, count: number): Promise<WatchedAddress[]> {
  const { rows } = await tx.query<WatchedRow>(`FETCH ${Math.trunc(count)} FROM ${CURSOR}`);
  return rows.map(toWatched);
}
