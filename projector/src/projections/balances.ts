import type { RecordedEvent } from '#shared/events/types.js';
import { userIdOfStream } from '#shared/events/streams.js';
import type { BalanceEffect } from './activity.js';

/** A balance row's change in one batch: added to the stored row, not replacing it. */
export interface BalanceDelta {
  userId: string;
  confirmedSats: number;
  /** Change of the sum of the user's pending activities' amounts. */
  pendingSats: number;
  txCount: number;
  /** The user stream's version after the batch, and that event's time. */
  version: number;
  updatedAt: string;
}

/**
 * One delta per user the batch touched. Every applied event of a user stream moves
 * the row's version (so the BFF can tell how current it is); only activity effects
 * move the amounts. Timestamps are the events' own, so a rebuild writes the same.
 */
export function projectBalances(
  events: readonly RecordedEvent[],
  effects: readonly BalanceEffect[],
): BalanceDelta[] {
  const byUser = new Map<string, BalanceDelta>();
  for (const event of events) {
    const userId = userIdOfStream(event.stream);
    if (userId === undefined) continue;
    const row = byUser.get(userId);
    if (!row) {
      byUser.set(userId, {
        userId,
        confirmedSats: 0,
        pendingSats: 0,
        txCount: 0,
        version: event.version,
        updatedAt: event.occurredAt,
      });
    } else if (event.version > row.version) {
      row.version = event.version;
      row.updatedAt = event.occurredAt;
    }
  }
  for (const effect of effects) {
    const row = byUser.get(effect.userId);
    if (!row) continue; // effects come only from the user's own applied events
    row.confirmedSats += effect.confirmedSats;
    row.pendingSats += effect.pendingSats;
    row.txCount += effect.txCount;
  }
  return [...byUser.values()];
}
