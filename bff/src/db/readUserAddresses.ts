import type { Executor } from '#shared/db/pool.js';
import type { AddressType } from '#shared/events/types.js';
import { LIVE_PROJECTION } from '#shared/views/projectionTables.js';

export interface UserAddressView {
  address: string;
  addressType: AddressType;
  addedAt: string;
  /** Registered with its history from this height (null: from its registration on). */
  rescanFromHeight: number | null;
  /** Its history is still being rescanned. */
  rescanning: boolean;
}

/**
 * A page of the user's addresses as the read side knows them, in address order after
 * `after`; `known`: the read side knows the user.
 */
export async function readUserAddresses(
  ex: Executor,
  userId: string,
  { after, limit }: { after: string | undefined; limit: number },
): Promise<{ known: boolean; rows: UserAddressView[] }> {
  const { rows } = await ex.query<{
    known: boolean;
    address: string | null;
    address_type: AddressType;
    added_at: Date;
    rescan_from_height: number | null;
    rescanning: boolean;
  }>(
    `SELECT EXISTS (SELECT 1 FROM ${LIVE_PROJECTION.users} WHERE user_id = $1) AS known,
            a.address, a.address_type, a.added_at, a.rescan_from_height, a.rescanning
       FROM (SELECT 1) AS one
       LEFT JOIN LATERAL (
         SELECT * FROM ${LIVE_PROJECTION.userAddresses}
          WHERE user_id = $1 AND address > coalesce($2, '') ORDER BY address LIMIT $3) a ON true`,
    [userId, after ?? null, limit],
  );
  return {
    known: rows[0]?.known ?? false,
    rows: rows
      .filter((r) => r.address !== null)
      .map((r) => ({
        address: r.address!,
        addressType: r.address_type,
        addedAt: r.added_at.toISOString(),
        rescanFromHeight: r.rescan_from_height,
        rescanning: r.rescanning,
      })),
  };
}
