import type { OrderView } from '#shared/orders/orderView.js';
import type { OrderRow } from '../db/orderRow.js';

/** An order as the HTTP API answers it. */
export function orderJson(row: OrderRow): OrderView {
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
