import type { OrderSide } from '#shared/events/types.js';
import type { OrderRow, OrderStatus } from '../db/orderRow.js';

/** An order as the HTTP API answers it (the contract's Order). */
export interface OrderJson {
  orderId: string;
  userId: string;
  side: OrderSide;
  amountSats: number;
  limitPriceEurCents: number | null;
  status: OrderStatus;
  priceEurCents: number | null;
  eurCents: number | null;
  rejectReason: string | null;
  /** `decided` until the transaction is broadcast (a signed one too: it may not be out yet). */
  settlement: null | { state: 'decided' | 'broadcast'; txid: string | null };
  placedAt: string;
  updatedAt: string;
}

export function orderJson(row: OrderRow): OrderJson {
  const broadcast = row.settlementState === 'broadcast';
  return {
    orderId: row.orderId,
    userId: row.userId,
    side: row.side,
    amountSats: row.amountSats,
    limitPriceEurCents: row.limitPriceEurCents,
    status: row.status,
    priceEurCents: row.priceEurCents,
    eurCents: row.eurCents,
    rejectReason: row.rejectReason,
    settlement:
      row.settlementState === null
        ? null
        : { state: broadcast ? 'broadcast' : 'decided', txid: broadcast ? row.settlementTxid : null },
    placedAt: row.placedAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}
