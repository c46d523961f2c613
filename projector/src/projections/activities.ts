import type { Logger } from '#shared/logging/logger.js';
import type { DropReason, RecordedEvent } from '#shared/events/types.js';
import { userIdOfStream } from '#shared/events/streams.js';
import { isTxEvent, nextActivity } from './nextActivity.js';

export { activityType, isTxEvent } from './nextActivity.js';

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

export interface ActivitiesResult {
  /** The final state of every activity the batch touched, in first-touched order. */
  activities: Activity[];
  changes: ActivityChange[];
  effects: BalanceEffect[];
}

export const activityKey = (userId: string, txid: string) => `${userId}\u0000${txid}`;

/**
 * Folds the applied transaction events of a batch (TxPending, TxConfirmed, TxReverted,
 * TxDropped) over the current rows (`current`, loaded for exactly the keys touched).
 * Each event moves one (user, txid) row along pending → confirmed → reverted → … or
 * pending → replaced / dropped (see nextActivity); the balance effects undo exactly
 * what the previous state counted, so a revert or a drop returns the balance to where
 * it was. Every step is kept in `changes`; an event that does not fit the row's state
 * is logged and changes nothing.
 */
export function projectActivities(
  events: readonly RecordedEvent[],
  current: ReadonlyMap<string, Activity>,
  log: Logger,
): ActivitiesResult {
  const state = new Map(current);
  const touched = new Set<string>();
  const changes: ActivityChange[] = [];
  const effects: BalanceEffect[] = [];

  for (const event of events) {
    if (!isTxEvent(event)) continue;
    const userId = userIdOfStream(event.stream);
    if (userId === undefined) continue;
    const key = activityKey(userId, event.payload.txid);
    const step = nextActivity(userId, state.get(key), event, log);
    if (!step) continue;
    const { after, effect } = step;
    if (effect) effects.push(effect);
    state.set(key, after);
    touched.add(key);
    const block =
      event.type === 'TxConfirmed' || event.type === 'TxReverted'
        ? { blockHash: event.payload.blockHash, blockHeight: event.payload.height }
        : { blockHash: null, blockHeight: null };
    changes.push({
      userId,
      txid: after.txid,
      version: event.version,
      status: after.status,
      amountSats: after.amountSats,
      ...block,
      dropReason: after.dropReason,
      replacedBy: after.replacedBy,
      occurredAt: event.occurredAt,
    });
  }

  return { activities: [...touched].map((k) => state.get(k)!), changes, effects };
}
