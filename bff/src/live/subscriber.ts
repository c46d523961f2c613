import { EVERY_USER } from '#shared/views/userChanges.js';
import { activityItem } from '../activities/activityItem.js';
import type { UserActivities } from '../db/readLiveChanges.js';
import type { BalanceView } from '../db/readBalances.js';
import type { UserChangeRow } from '../db/readUserChanges.js';
import type { SseStream } from './createSseStream.js';

/** One open live stream and what it has not been sent yet. */
export interface Subscriber {
  userId: string;
  stream: SseStream;
  /** The newest change id whose effect this subscriber is sent (or about to be). */
  lastId: number;
  /** Activities changed since the last event sent. */
  pending: Set<string>;
  /** Tell it to start over (its position is lost, or the read model was rebuilt). */
  reset: boolean;
  /** False until its starting position is known. */
  ready: boolean;
  /** The last chain tip the client was given (a change's balance or a `tip` event), as tipKey. */
  tipKey?: string;
}

/** A tip's identity: a reorg can bring another block at the same height. */
export const tipKey = (tip: { height: number; hash: string }): string => `${tip.height}:${tip.hash}`;

/**
 * Notes a change row for a subscriber of its user (or of every user, for '*'); true when
 * the subscriber is now owed an event. A subscriber still starting reads every row after
 * its position itself; one that runs has been sent (or is about to be) every row up to
 * lastId. Past `maxPendingIds` remembered activities it is told to start over instead.
 */
export function markChange(sub: Subscriber, row: UserChangeRow, maxPendingIds: number): boolean {
  if (!sub.ready || row.id <= sub.lastId) return false;
  sub.lastId = row.id;
  if (row.userId === EVERY_USER) {
    sub.reset = true;
    sub.pending.clear();
  }
  // Starting over, the client refetches everything: nothing more to remember.
  if (sub.reset) return true;
  for (const id of row.activityIds) sub.pending.add(id);
  if (sub.pending.size > maxPendingIds) {
    sub.reset = true;
    sub.pending.clear();
  }
  return true;
}

/**
 * Writes what a subscriber has not been sent: `reset` first when it must start over, then
 * one `change` with the current balance, its changed activities as the list shows them
 * and the ids of those that no longer exist. Then it owes it nothing — unless the stream
 * refused a write (its client stopped reading meanwhile, e.g. after the `reset` or a
 * heartbeat): then it stays owed, and is sent once the client drains. False then; true
 * when it owes it nothing.
 */
export function sendChange(
  sub: Subscriber,
  balance: BalanceView | null,
  found: UserActivities | undefined,
): boolean {
  const activities = [];
  const removed = [];
  for (const id of sub.pending) {
    const row = found?.rows.get(id);
    if (row) activities.push(activityItem(row, found!.tip));
    else removed.push(id);
  }
  if (sub.reset) {
    if (!sub.stream.send({ event: 'reset', data: '{}' })) return false;
    sub.reset = false;
  }
  const sent = sub.stream.send({
    event: 'change',
    id: String(sub.lastId),
    data: JSON.stringify({ userId: sub.userId, balance, activities, removed }),
  });
  if (!sent) return false;
  if (balance?.tip) sub.tipKey = tipKey(balance.tip);
  sub.pending.clear();
  return true;
}
