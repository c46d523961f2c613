import type { Executor } from '../../../shared/src/db/pool.js';
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

/** Every watched address, loaded into the in-memory index at start. */
export async function selectWatchedAddresses(ex: Executor): Promise<WatchedAddress[]> {
  const { rows } = await ex.query<WatchedRow>(
    `SELECT address, user_id, script_pubkey FROM ${WATCHED_ADDRESSES_TABLE}`,
  );
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
