import type { Executor } from '#shared/db/pool.js';
import type { AddressType } from '#shared/events/types.js';
import { ONLINE } from './tables.js';

export interface NewWatchedAddress {
  address: string;
  userId: string;
  scriptPubKey: Buffer;
  addressType: AddressType;
  /** Match it from this height (its history): an admin's rescan; absent, from the next block. */
  rescanFromHeight?: number;
}

/**
 * Inserts a watched address (its insert trigger wakes the crawler at commit); undefined
 * when the address or its script is already watched, for whichever user. Else the height
 * it is matched from: the crawler's tip + 1, or the rescan's height when asked (never
 * above the tip + 1), as the table's insert trigger sets it under the chain lock (0107).
 */
export async function insertWatchedAddress(
  tx: Executor,
  a: NewWatchedAddress,
): Promise<{ fromHeight: number } | undefined> {
  const { rows } = await tx.query<{ from_height: number }>(
    `INSERT INTO ${ONLINE.watchedAddresses} (address, user_id, script_pubkey, address_type, from_height, rescan_requested)
     VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING RETURNING from_height`,
    [
      a.address,
      a.userId,
      a.scriptPubKey,
      a.addressType,
      a.rescanFromHeight ?? null,
      a.rescanFromHeight !== undefined,
    ],
  );
  return rows[0] && { fromHeight: rows[0].from_height };
}
