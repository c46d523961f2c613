import type { Pool } from '#shared/db/pool.js';
import { withTransaction } from '#shared/db/withTransaction.js';
import type { ForklineEvent } from '#shared/events/types.js';
import { appendToManyStreams } from '#shared/outbox/appendToManyStreams.js';
import { insertRescan } from '../db/insertRescan.js';
import { joinAddresses } from '../db/joinAddresses.js';
import { lockChain } from '../db/lockChain.js';
import { selectTip } from '../db/selectTip.js';
import { selectWaitingAddresses, type WaitingAddress } from '../db/selectWaitingAddresses.js';
import { addRescannedEvents } from './rescannedEvents.js';

/** Addresses placed per pass; more wait for the next one. */
const PLACE_LIMIT = 10_000;

export interface Placement {
  /** Matched live from the next block on: the caller adds them to the index. */
  joined: WaitingAddress[];
  /** Rescans queued for addresses learned after blocks they must be matched in. */
  rescansQueued: number;
  /** Placed in this pass, joined or queued. */
  placed: number;
  /** More were waiting than a pass places: the loop should come back at once. */
  more: boolean;
}

/**
 * Places the registered addresses the crawler has not matched yet, under the chain lock,
 * between two block writes (the crawler's loop runs it): one whose first height is above
 * our tip joins live matching now; one that should have been matched in a block we
 * already applied — registered while that block was on its way, or with a rescan asked
 * from a past height — gets a rescan of [from height, tip] first (one rescan per from
 * height), and joins when it reaches the tip. So no block between its registration and
 * its first live match goes unscanned for it, whatever the timing.
 */
export async function placeNewAddresses(pool: Pool, startHeight: number): Promise<Placement> {
  return withTransaction(pool, async (tx) => {
    await lockChain(tx);
    const waiting = await selectWaitingAddresses(tx, PLACE_LIMIT);
    if (waiting.length === 0) return { joined: [], rescansQueued: 0, placed: 0, more: false };
    // Before our first block nothing was applied without them: all join.
    const tip = await selectTip(tx);
    const tipHeight = tip?.height ?? startHeight - 1;
    const isLate = (a: WaitingAddress) => tip !== undefined && a.fromHeight <= tipHeight;
    const joined = waiting.filter((a) => !isLate(a));
    await joinAddresses(
      tx,
      joined.map((a) => a.address),
      tipHeight,
    );
    const late = new Map<number, string[]>();
    for (const a of waiting) {
      if (!isLate(a)) continue;
      const list = late.get(a.fromHeight) ?? [];
      list.push(a.address);
      late.set(a.fromHeight, list);
    }
    for (const [fromHeight, addresses] of late) await insertRescan(tx, fromHeight, addresses);
    // A history asked from the next block on: nothing to scan, and it is over already.
    const events = new Map<string, ForklineEvent[]>();
    const fromOf = new Map(joined.map((a) => [a.address, a.fromHeight]));
    addRescannedEvents(events, joined, (a) => fromOf.get(a)!, tipHeight);
    await appendToManyStreams(tx, events);
    return { joined, rescansQueued: late.size, placed: waiting.length, more: waiting.length === PLACE_LIMIT };
  });
}
