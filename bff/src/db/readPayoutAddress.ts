import type { Executor } from '#shared/db/pool.js';
import { ONLINE } from './tables.js';

export interface PayoutAddress {
  /** The user exists (in the online database, where the BFF registers users). */
  known: boolean;
  /** The user's newest registered address, where a buy is paid; null when none. */
  address: string | null;
}

/** Whether the user exists and where their buys are paid, in one statement. */
export async function readPayoutAddress(ex: Executor, userId: string): Promise<PayoutAddress> {
  const { rows } = await ex.query<PayoutAddress>({
    name: 'bff_read_payout_address',
    text: `SELECT EXISTS (SELECT 1 FROM ${ONLINE.users} WHERE user_id = $1) AS known,
                  (SELECT address FROM ${ONLINE.watchedAddresses} WHERE user_id = $1
                    ORDER BY added_at DESC, address LIMIT 1) AS address`,
    values: [userId],
  });
  return rows[0]!;
}
