import type { Logger } from '#shared/logging/logger.js';
import type { RecordedEvent } from '#shared/events/types.js';
import { userIdOfStream } from '#shared/events/streams.js';
import type { Activity, ActivityChange, BalanceEffect } from './activity.js';
import { isTxEvent, nextActivity } from './nextActivity.js';

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
