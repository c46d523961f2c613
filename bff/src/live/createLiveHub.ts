import type { Pool } from '#shared/db/pool.js';
import { ForklineError } from '#shared/errors/catalogue.js';
import type { Logger } from '#shared/logging/logger.js';
import { EVERY_USER, type UserChangesNotice } from '#shared/views/userChanges.js';
import { readLiveChanges } from '../db/readLiveChanges.js';
import { readProjectionTip } from '#shared/views/readProjectionTip.js';
import {
  readChangesAfter,
  readChangesIn,
  readLatestChangeId,
  type UserChangeRow,
} from '../db/readUserChanges.js';
import type { SseStream } from './createSseStream.js';
import { createTipFanOut } from './createTipFanOut.js';
import { markChange, sendChange, type Subscriber } from './subscriber.js';

/** Heartbeat checks per period: a silent stream is pinged within a tick of its period's end. */
const HEARTBEAT_TICKS = 8;

export interface LiveHubOptions {
  views: Pool;
  log: Logger;
  /** Open streams this process accepts; the next one is refused with 503. */
  maxSubscribers: number;
  /** No stream stays silent longer: a comment line keeps proxies and clients from timing it out. */
  heartbeatMs: number;
  /** A client that leaves written bytes unread this long is disconnected. */
  stallMs: number;
  /** Beyond this many changed activities while a client is not reading, it starts over. */
  maxPendingIds?: number;
  /** A new tip goes out once no notice has come for this long, at most tipMaxHoldMs after it came. */
  tipQuietMs?: number;
  tipMaxHoldMs?: number;
}

export interface LiveHub {
  /** Whether one more stream may open (checked before the response is taken over). */
  hasRoom(): boolean;
  /** Starts pushing the user's changes to `stream`, from `lastEventId` when resuming. */
  subscribe(userId: string, stream: SseStream, lastEventId: number | undefined): void;
  /** A NOTIFY from the projector (changes committed, or the chain tip moved). */
  notice(notice: UserChangesNotice): void;
  /** The LISTEN connection was lost and is back: catch every subscriber up. */
  resync(): void;
  subscribers(): number;
  close(): void;
}

/**
 * Live updates: each subscriber gets an event for every committed change of its user —
 * the current balance and the current state of the activities that changed, with the
 * change id as the event id, so a client that reconnects with Last-Event-ID is sent what
 * it missed (coalesced into one event, since every event carries current state). All work
 * runs one step at a time in arrival order, and each step reads every affected user in
 * one statement, whatever the number of subscribers.
 * A new chain tip waits until the block's changes have gone out (createTipFanOut).
 */
export function createLiveHub({
  views,
  log,
  maxSubscribers,
  heartbeatMs,
  stallMs,
  maxPendingIds = 200,
  tipQuietMs = 100,
  tipMaxHoldMs = 1_000,
}: LiveHubOptions): LiveHub {
  const byUser = new Map<string, Set<Subscriber>>();
  let queue: Promise<void> = Promise.resolve();
  let closed = false;

  const enqueue = (what: string, step: () => Promise<void>) => {
    queue = queue.then(step).catch((err: unknown) => {
      log.warn({ err: (err as Error).message, what }, 'live update step failed');
      // What was marked dirty stays dirty: the next step or drain sends it.
    });
  };

  /**
   * Every open stream, and those owed an event (marked by a change, not yet caught up by
   * sendChange): a step visits only these.
   */
  const all = new Set<Subscriber>();
  const dirty = new Set<Subscriber>();

  const remove = (sub: Subscriber) => {
    const subs = byUser.get(sub.userId);
    if (!subs?.delete(sub)) return;
    all.delete(sub);
    dirty.delete(sub);
    if (subs.size === 0) byUser.delete(sub.userId);
  };

  /** Marks what a change row means for the user's subscribers. */
  const apply = (row: UserChangeRow) => {
    const targets = row.userId === EVERY_USER ? all : byUser.get(row.userId);
    for (const sub of targets ?? []) {
      if (markChange(sub, row, maxPendingIds)) dirty.add(sub);
    }
  };

  /**
   * Sends every ready, dirty subscriber whose client keeps up its user's current state.
   * Only the dirty set is visited: with thousands of streams open, a pass over all of them
   * per step (and per subscribe, while thousands connect) cost more than the step's sends.
   */
  const flush = async () => {
    const due = [...dirty].filter((s) => s.ready && s.stream.backedUpSince() === undefined);
    if (due.length === 0) return;
    const wanted = new Map<string, Set<string>>();
    for (const sub of due) {
      const ids = wanted.get(sub.userId) ?? new Set<string>();
      for (const id of sub.pending) ids.add(id);
      wanted.set(sub.userId, ids);
    }
    const started = performance.now();
    // One statement, one snapshot: the balances and the activities, with the same tips.
    const changes = await readLiveChanges(
      views,
      [...wanted].map(([userId, ids]) => ({ userId, activityIds: [...ids] })),
    );
    const read = performance.now();
    for (const sub of due) {
      const change = changes.get(sub.userId);
      if (sendChange(sub, change?.balance ?? null, change?.activities)) dirty.delete(sub);
    }
    log.debug(
      {
        subscribers: due.length,
        users: wanted.size,
        readMs: Math.round(read - started),
        sendMs: Math.round(performance.now() - read),
      },
      'live updates sent',
    );
  };

  /** Notices not handled yet: one step reads all their changes and sends once. */
  let noticed: UserChangesNotice[] = [];
  const tips = createTipFanOut({
    quietMs: tipQuietMs,
    maxHoldMs: tipMaxHoldMs,
    enqueue: (step) => enqueue('tip', step),
    subscribers: () => all,
  });

  const drainNotices = async () => {
    const notices = noticed;
    noticed = [];
    if (byUser.size === 0) return;
    // A client recounts confirmations from the newest tip, once the block's changes are out
    // (noted first: a failing read below does not lose it).
    tips.noted(notices.findLast((n) => n.tip)?.tip);
    const ranges = notices.flatMap((n) => (n.changes ? [n.changes] : []));
    if (ranges.length > 0) {
      for (const row of await readChangesIn(views, ranges)) apply(row);
      await flush();
    }
  };

  // Checked HEARTBEAT_TICKS times per period; only a stream silent for all but one tick of
  // it is pinged, so none stays silent longer and one just sent an event gets none (a ping
  // to all 5,000 streams, landing in a block's window, put as many writes beside the
  // block's changes).
  const heartbeat = setInterval(() => {
    const now = Date.now();
    const silentFor = performance.now() - heartbeatMs * (1 - 1 / HEARTBEAT_TICKS);
    for (const sub of all) {
      const since = sub.stream.backedUpSince();
      if (since === undefined) {
        if (sub.stream.lastSentAt() <= silentFor) sub.stream.send({ comment: 'ping' });
      } else if (now - since > stallMs) {
        log.info({ userId: sub.userId }, 'live subscriber not reading: disconnected');
        sub.stream.close();
      }
    }
  }, heartbeatMs / HEARTBEAT_TICKS);
  heartbeat.unref();

  return {
    hasRoom: () => !closed && all.size < maxSubscribers,

    subscribe(userId, stream, lastEventId) {
      if (!this.hasRoom()) throw new ForklineError('TOO_MANY_SUBSCRIBERS', 'too many live subscribers');
      const sub: Subscriber = {
        userId,
        stream,
        lastId: 0,
        pending: new Set(),
        reset: false,
        ready: false,
      };
      const subs = byUser.get(userId) ?? new Set<Subscriber>();
      byUser.set(userId, subs.add(sub));
      all.add(sub);
      dirty.add(sub);
      stream.onClose(() => remove(sub));
      stream.onDrain(() =>
        enqueue('drain', async () => {
          if (dirty.has(sub)) await flush();
          tips.catchUp(sub);
        }),
      );
      enqueue('subscribe', async () => {
        if (lastEventId === undefined) {
          sub.lastId = await readLatestChangeId(views, userId);
        } else {
          const { rows, oldest, newest } = await readChangesAfter(views, [{ userId, after: lastEventId }]);
          // Rows after its position were deleted (retention), or the id is not one of ours.
          if ((oldest !== null && lastEventId < oldest - 1) || lastEventId > (newest ?? 0)) sub.reset = true;
          sub.lastId = lastEventId;
          sub.ready = true;
          for (const row of rows) apply(row);
        }
        sub.ready = true;
        await flush();
      });
    },

    notice(notice) {
      // Notices that arrive while earlier work runs are handled together by one step.
      noticed.push(notice);
      if (noticed.length === 1) enqueue('notice', drainNotices);
    },

    resync() {
      enqueue('resync', async () => {
        const positions = [...all]
          .filter((sub) => sub.ready)
          .map((sub) => ({ userId: sub.userId, after: sub.lastId }));
        if (positions.length === 0) return;
        for (const row of (await readChangesAfter(views, positions)).rows) apply(row);
        await flush();
        // A tip announced while nobody listened is caught up too.
        tips.noted(await readProjectionTip(views));
      });
    },

    subscribers: () => all.size,

    close() {
      closed = true;
      clearInterval(heartbeat);
      tips.close();
      for (const sub of all) sub.stream.close();
    },
  };
}
