import type { Tip } from '../db/tables.js';
import { tipKey, type Subscriber } from './subscriber.js';

export interface TipFanOut {
  /** After each step of notices: `tip` when they moved it; either way the wait restarts. */
  noted(tip: Tip | undefined): void;
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
  let timer: NodeJS.Timeout | undefined;
  let closed = false;

  const send = () => {
    const tip = held?.tip;
    held = undefined;
    if (!tip) return Promise.resolve();
    const key = tipKey(tip);
    const data = JSON.stringify(tip);
    for (const sub of subscribers()) {
      if (sub.ready && sub.tipKey !== key && sub.stream.send({ event: 'tip', data })) sub.tipKey = key;
    }
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
    close() {
      closed = true;
      clearTimeout(timer);
    },
  };
}
