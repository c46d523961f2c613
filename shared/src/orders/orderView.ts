import type { OrderSide } from '../events/types.js';

export type OrderStatus = 'open' | 'filled' | 'cancelled' | 'rejected';

/**
 * An order as the API answers it: the trading service makes it, the BFF passes it on
 * unchanged, clients read it. One declaration for the three.
 */
export interface OrderView {
  orderId: string;
  userId: string;
  side: OrderSide;
  amountSats: number;
  /** null for a market order. */
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

/** What the BFF asks the trading service to place (POST /orders). */
export interface PlaceOrderRequest {
  userId: string;
  side: OrderSide;
  amountSats: number;
  limitPriceEurCents?: number;
  /** Where a buy is paid and a sell's change goes: the user's newest registered address. */
  receiveAddress: string;
  /** The user's registered addresses, newest first (receiveAddress first): a sell spends coins there only. */
  spendAddresses: string[];
}
