import type { OrderSide } from '#shared/events/types.js';

import type { OrderStatus } from '#shared/orders/orderView.js';
export type SettlementState = 'decided' | 'signed' | 'broadcast';

/** An order as the queries return it, with its settlement when it has one. */
export interface OrderRow {
  orderId: string;
  userId: string;
  side: OrderSide;
  amountSats: number;
  limitPriceEurCents: number | null;
  receiveAddress: string;
  /** The user's registered addresses at placement: a sell spends coins there only. */
  spendAddresses: string[];
  status: OrderStatus;
  priceEurCents: number | null;
  eurCents: number | null;
  rejectReason: string | null;
  settlementState: SettlementState | null;
  settlementTxid: string | null;
  placedAt: Date;
  updatedAt: Date;
}

/** The order's own columns (orders o), as OrderRow names them. */
export const ORDER_OWN_COLUMNS = `o.order_id AS "orderId", o.user_id AS "userId", o.side,
  o.amount_sats AS "amountSats", o.limit_price_eur_cents AS "limitPriceEurCents",
  o.receive_address AS "receiveAddress",
  o.spend_addresses AS "spendAddresses", o.status, o.price_eur_cents AS "priceEurCents",
  o.eur_cents AS "eurCents", o.reject_reason AS "rejectReason",
  o.placed_at AS "placedAt", o.updated_at AS "updatedAt"`;

/** The SELECT list every order query shares (orders o LEFT JOIN settlements s). */
export const ORDER_COLUMNS = `${ORDER_OWN_COLUMNS},
  s.state AS "settlementState", s.txid AS "settlementTxid"`;
