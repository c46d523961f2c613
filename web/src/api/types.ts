/** The BFF's answers the pages read, as its README describes them. */

export interface Tip {
  height: number;
  hash: string;
}

/** GET /v1/users/:userId/balance */
export interface Balance {
  userId: string;
  confirmedSats: number;
  pendingSats: number;
  immatureSats: number;
  totalSats: number;
  txCount: number;
  tip: Tip | null;
  version: number;
}

export type ActivityType = 'receive' | 'withdrawal' | 'self' | 'bid' | 'ask' | 'buy' | 'sell';

export type ActivityStatus =
  | 'pending'
  | 'confirmed'
  | 'reverted'
  | 'replaced'
  | 'dropped'
  | 'open'
  | 'cancelled'
  | 'rejected'
  | 'settling';

/** One item of GET /v1/users/:userId/activities. */
export interface Activity {
  type: ActivityType;
  status: ActivityStatus;
  amountSats: number;
  txid: string | null;
  blockHeight: number | null;
  blockHash: string | null;
  confirmations: number | null;
  replacedBy: string | null;
  dropReason: 'replaced' | 'conflict' | 'evicted' | null;
  replaceable: boolean | null;
  firstSeenAt: string;
  orderId: string | null;
  side?: 'buy' | 'sell';
  limitPriceEurCents: number | null;
  priceEurCents: number | null;
  eurCents: number | null;
  rejectReason: string | null;
  settlement: {
    txid: string;
    status: ActivityStatus;
    confirmations: number | null;
    deltaSats: number | null;
  } | null;
}

export interface ActivitiesPage {
  items: Activity[];
  nextCursor: string | null;
  tip: Tip | null;
}

/** GET /v1/price */
export interface Price {
  priceEurCents: number | null;
  setAt: string | null;
}

/** The `change` event of GET /v1/users/:userId/events. */
export interface ChangeEvent {
  userId: string;
  /** Exactly the body of GET /v1/users/:userId/balance. */
  balance: Balance | null;
  /** The current state of the activities that changed. */
  activities: Activity[];
  /** Activities that no longer exist: a txid, or `order:<orderId>`. */
  removed?: string[];
}

type Unavailable = { available: false; reason: string };

/** GET /v1/status (admin). */
export interface Status {
  checkedAt: string;
  node: { available: true; tip: Tip } | Unavailable;
  crawler: { available: true; tip: Tip | null; lagBlocks: number | null } | Unavailable;
  outbox: { available: true; backlog: number; lagMs: number } | Unavailable;
  projector:
    | {
        available: true;
        lagBlocks: number | null;
        tip: Tip | null;
        streams: number;
        parkedEvents: number;
        deadLetters: number;
        openGaps: {
          stream: string;
          firstMissingVersion: number;
          parkedCount: number;
          waitingSince: string;
        }[];
        stoppedStreams: { stream: string; appliedVersion: number; reason: string }[];
      }
    | Unavailable;
}

/** An RFC 9457 problem document, as every BFF error arrives. */
export interface Problem {
  title: string;
  status: number;
  detail: string;
  code: string;
}
