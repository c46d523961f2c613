import type { OrderSide } from '#shared/events/types.js';
import type { SettlementState } from './orderRow.js';

/** A settlement with what building its transaction needs from the order. */
export interface SettlementRow {
  orderId: string;
  userId: string;
  side: OrderSide;
  amountSats: number;
  receiveAddress: string;
  /** A sell's coins are the users' wallet's at these addresses (empty: placed before they were passed). */
  spendAddresses: string[];
  state: SettlementState;
  txid: string | null;
  rawTx: string | null;
  attempts: number;
}

export const SETTLEMENT_COLUMNS = `s.order_id AS "orderId", o.user_id AS "userId", o.side,
  o.amount_sats AS "amountSats", o.receive_address AS "receiveAddress",
  o.spend_addresses AS "spendAddresses", s.state, s.txid,
  s.raw_tx AS "rawTx", s.attempts`;
