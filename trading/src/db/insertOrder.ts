import type { Executor } from '#shared/db/pool.js';
import type { OrderSide } from '#shared/events/types.js';

export interface NewOrder {
  orderId: string;
  userId: string;
  side: OrderSide;
  amountSats: number;
  limitPriceEurCents: number | null;
  receiveAddress: string;
  spendAddresses: string[];
}

/** Inserts an open order (its row stays locked by this transaction until commit). */
export async function insertOrder(tx: Executor, o: NewOrder): Promise<void> {
  await tx.query(
    `INSERT INTO orders (order_id, user_id, side, amount_sats, limit_price_eur_cents, receive_address,
                         spend_addresses, status)
     VALUES ($1, $2, $3, $4, $5, $6, $7, 'open')`,
    [o.orderId, o.userId, o.side, o.amountSats, o.limitPriceEurCents, o.receiveAddress, o.spendAddresses],
  );
}
