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
 * Opens a cursor over every watched address, inside the caller's transaction: the index
 * is loaded in batches (fetchWatchedAddresses), so a million rows never sit in memory at
 * once next to the index they are copied into. A cursor, not keyset pages: it reads
 * the table in one sequential scan, where pages by address hop around the heap.
 */
export async function openWatchedAddressesCursor(tx: Executor): Promise<void> {
  await tx.query(
    `DECLARE ${CURSOR} NO SCROLL CURSOR FOR SELECT address, user_id, script_pubkey FROM ${WATCHED_ADDRESSES_TABLE}`,
  );
}

/** The next `count` rows of the cursor; fewer at the end. */
export async function fetchWatchedAddresses(tx: Executor, count: number): Promise<WatchedAddress[]> {
  const { rows } = await tx.query<WatchedRow>(`FETCH ${Math.trunc(count)} FROM ${CURSOR}`);
  return rows.map(toWatched);
}

/** One watched address, looked up when its insert is announced on the channel. */
export async function selectWatchedAddress(
  ex: Executor,
  address: string,
): Promise<WatchedAddress | undefined> {
  const { rows } = await ex.query<WatchedRow>(
    `SELECT address, user_id, script_pubkey FROM ${WATCHED_ADDRESSES_TABLE} WHERE address = $1`,
    [address],
  );
  return rows[0] && toWatched(rows[0]);
}
