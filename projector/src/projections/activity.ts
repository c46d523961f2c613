import type { DropReason, OrderSide } from '#shared/events/types.js';

/**
 * A chain row is `receive`, `withdrawal` or `self`; an order row is a `bid` (buy) or `ask`
 * (sell) while open, cancelled or rejected, and a `buy` or `sell` once filled.
 */
export type ChainActivityType = 'receive' | 'withdrawal' | 'self';
export type OrderActivityType = 'bid' | 'ask' | 'buy' | 'sell';
export type ActivityType = ChainActivityType | OrderActivityType;
/**
 * A transaction: `pending` in the mempool; `confirmed` in a main-chain block; `reverted` its
 * block left the main chain; `replaced` / `dropped` it left the mempool unmined (RBF / a
 * conflict confirmed or eviction).
 */
export type TxStatus = 'pending' | 'confirmed' | 'reverted' | 'replaced' | 'dropped';
/**
 * An order: `open`, `cancelled`, `rejected`; filled, it is `settling` until its settlement
 * transaction is seen, then that transaction's status.
 */
export type OrderStatus = 'open' | 'cancelled' | 'rejected' | 'settling';
export type ActivityStatus = TxStatus | OrderStatus;

/** The order columns of an order row. */
export interface OrderFields {
  orderId: string;
  side: OrderSide;
  limitPriceEurCents: number | null;
  priceEurCents: number | null;
  eurCents: number | null;
  rejectReason: string | null;
  /** The settlement transaction's net change of the user's balance, once its chain events are linked. */
  settlementDeltaSats: number | null;
}

/**
 * One row of `activities`: a user's view of one transaction (a chain row, `activityId` =
 * txid, `order` null) or of one order (`activityId` = `order:<orderId>`, `txid` the
 * settlement transaction once linked, block and mempool fields that transaction's).
 */
export interface Activity {
  userId: string;
  activityId: string;
  txid: string | null;
  type: ActivityType;
  /** Chain row: the signed net change of the balance. Order row: the order amount, + buy, − sell. */
  amountSats: number;
  status: ActivityStatus;
  /** The block it is confirmed in; null unless confirmed. */
  blockHash: string | null;
  blockHeight: number | null;
  /** Why it left the mempool unmined (replaced / dropped only). */
  dropReason: DropReason | null;
  /** The replacing txid, when the writer named it (replaced only). */
  replacedBy: string | null;
  /** A coinbase output (from TxConfirmed); immature until 100 confirmations. */
  coinbase: boolean;
  /** BIP 125 signal as last seen in the mempool; null when never seen pending. */
  replaceable: boolean | null;
  /** Chain row: first seen (mempool or block). Order row: placed. */
  firstSeenAt: string;
  updatedAt: string;
  order: OrderFields | null;
}

/** A chain row: one transaction of one user, unlinked. */
export type TxActivity = Activity & { txid: string; type: ChainActivityType; status: TxStatus; order: null };

/** One row of `activity_changes`: the activity's state after one event. */
export interface ActivityChange {
  userId: string;
  /** The event's stream and version. */
  stream: string;
  version: number;
  activityId: string;
  txid: string | null;
  status: ActivityStatus;
  amountSats: number;
  /** The event's block (confirm or revert); null for mempool and order steps. */
  blockHash: string | null;
  blockHeight: number | null;
  dropReason: DropReason | null;
  replacedBy: string | null;
  occurredAt: string;
}

/** A change of what counts towards a user's balance; balances fold these. */
export interface BalanceEffect {
  userId: string;
  confirmedSats: number;
  pendingSats: number;
  txCount: number;
}
