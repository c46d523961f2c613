import type { DropReason } from '#shared/events/types.js';

export type ActivityType = 'receive' | 'send' | 'self';
/**
 * `pending` in the mempool; `confirmed` in a main-chain block; `reverted` its block left
 * the main chain; `replaced` / `dropped` it left the mempool unmined (RBF / a conflict
 * confirmed or eviction).
 */
export type ActivityStatus = 'pending' | 'confirmed' | 'reverted' | 'replaced' | 'dropped';

/** One row of `activities`: a user's view of one transaction. */
export interface Activity {
  userId: string;
  txid: string;
  type: ActivityType;
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
  firstSeenAt: string;
  updatedAt: string;
}

/** One row of `activity_changes`: the activity's state after one event. */
export interface ActivityChange {
  userId: string;
  txid: string;
  version: number;
  status: ActivityStatus;
  amountSats: number;
  /** The event's block (confirm or revert); null for mempool steps. */
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
