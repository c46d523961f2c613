import type { Executor } from '#shared/db/pool.js';
import type { AddressType } from '#shared/events/types.js';
import { ONLINE } from './tables.js';

export interface NewWatchedAddress {
  address: string;
  userId: string;
  scriptPubKey: Buffer;
  addressType: AddressType;
}

/**
 * Inserts a watched address (its insert trigger wakes the crawler at commit); false when
 * the address or its script is already watched, for whichever user.
 */
export async function insertWatchedAddress(tx: Executor, a: NewWatchedAddress): Promise<boolean> {
  const { rowCount } = await tx.query(
    `INSERT INTO ${ONLINE.watchedAddresses} (address, user_id, script_pubkey, address_type)
     VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`,
    [a.address, a.userId, a.scriptPubKey, a.addressType],
  );
  return rowCount === 1;
}
