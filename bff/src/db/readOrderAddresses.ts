import type { Executor } from '#shared/db/pool.js';
import { ONLINE } from './tables.js';

/** At most this many of a user's addresses go with an order (the trading service's limit). */
export const MAX_ORDER_ADDRESSES = 1000;

export interface OrderAddresses {
  /** The user exists (in the online database, where the BFF registers users). */
  known: boolean;
  /**
   * The user's registered addresses, newest first (at most MAX_ORDER_ADDRESSES): the
   * first is where a buy is paid and a sell's change goes; a sell spends coins at these
   * only. Empty when the user has none.
   */
  addresses: string[];
}

/** Whether the user exists and which addresses are theirs to settle an order with, in one statement. */
export async function readOrderAddresses(ex: Executor, userId: string): Promise<OrderAddresses> {
  const { rows } = await ex.query<OrderAddresses>({
    name: 'bff_read_order_addresses',
    text: `SELECT EXISTS (SELECT 1 FROM ${ONLINE.users} WHERE user_id = $1) AS known,
                  ARRAY(SELECT address FROM ${ONLINE.watchedAddresses} WHERE user_id = $1
                         ORDER BY added_at DESC, address LIMIT $2) AS addresses`,
    values: [userId, MAX_ORDER_ADDRESSES],
  });
  return rows[0]!;
}
