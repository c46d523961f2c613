import type { Tip } from '../db/tables.js';
import { tipKey, type Subscriber } from './subscriber.js';

export interface TipFanOut {
  /** After each step of notices: `tip` when they moved it; either way the wait restarts. */
  noted(tip: Tip | null | undefined): void;
  /** The last tip sent, to a client that was not reading then (called once it drains). */
  catchUp(sub: Subscriber): void;
  close(): void;
}

export interface TipFanOutOptions {
  /** A new tip goes out once no notice has come for this long… */
  quietMs: number;
  /** …and at most this long after it came. */
  maxHoldMs: number;
  /** Runs the fan-out as a step of the hub's queue (after the changes before it). */
  enqueue: (step: () => Promise<void>) => void;
  subscribers: () => Iterable<Subscriber>;
}

/**
 * `tip` events (confirmations grow without a change of the user) wait until the block's
 * changes have gone out, then go only to clients that have not been given that tip in a
 * change's balance. Sent at once, a tip put a write to every open stream ahead of the
 * block's own changes (on the live bench, 5,000 writes delaying them by ~175 ms), and a
 * client whose balance changed in the block got the tip twice.
 */
export function createTipFanOut({ quietMs, maxHoldMs, enqueue, subscribers }: TipFanOutOptions): TipFanOut {
  let held: { tip: Tip; since: number } | undefined;
  /** The last tip fanned out: what a client that was not reading then is owed. */
  let last: { key: string; data: string } | undefined;
  let timer: NodeJS.Timeout | undefined;
  let closed = false;

  const offer = (sub: Subscriber) => {
    if (last && sub.ready && sub.tipKey !== last.key && sub.stream.send({ event: 'tip', data: last.data })) {
      sub.tipKey = last.key;
    }
  };

  const send = () => {
    const tip = held?.tip;
    held = undefined;
    if (!tip) return Promise.resolve();
    last = { key: tipKey(tip), data: JSON.stringify(tip) };
    for (const sub of subscribers()) offer(sub);
    return Promise.resolve();
  };

  return {
    noted(tip) {
      if (tip) held = { tip, since: held?.since ?? Date.now() };
      if (!held || closed) return;
      clearTimeout(timer);
      const delay = Math.min(quietMs, Math.max(0, held.since + maxHoldMs - Date.now()));
      timer = setTimeout(() => enqueue(send), delay);
    },
    catchUp: offer,
    close() {
      closed = true;
      clearTimeout(timer);
    },
  };
}
