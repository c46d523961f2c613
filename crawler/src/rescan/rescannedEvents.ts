import { userStream } from '#shared/events/streams.js';
import type { ForklineEvent } from '#shared/events/types.js';

/**
 * AddressRescanned per user for the addresses whose history was asked for, now matched
 * live after `toHeight` (added to `events`, by stream).
 */
export function addRescannedEvents(
  events: Map<string, ForklineEvent[]>,
  addresses: readonly { address: string; userId: string; rescanRequested: boolean }[],
  fromHeight: (address: string) => number,
  toHeight: number,
): void {
  const byUser = new Map<string, string[]>();
  for (const a of addresses) {
    if (!a.rescanRequested) continue;
    const list = byUser.get(a.userId) ?? [];
    list.push(a.address);
    byUser.set(a.userId, list);
  }
  for (const [userId, list] of byUser) {
    const stream = userStream(userId);
    const from = Math.min(...list.map(fromHeight));
    const mine = events.get(stream) ?? [];
    mine.push({
      type: 'AddressRescanned',
      payload: { userId, addresses: list.sort(), fromHeight: from, toHeight },
    });
    events.set(stream, mine);
  }
}
