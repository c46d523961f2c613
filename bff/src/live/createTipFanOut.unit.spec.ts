import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { SseEvent, SseStream } from './createSseStream.js';
import { createTipFanOut } from './createTipFanOut.js';
import { tipKey, type Subscriber } from './subscriber.js';

/** A subscriber whose stream records what it is sent (or refuses, when backed up). */
function subscriber(userId: string, { tip, backedUp = false }: { tip?: string; backedUp?: boolean } = {}) {
  const sent: SseEvent[] = [];
  const stream = {
    send: (event: SseEvent) => {
      if (backedUp) return false;
      sent.push(event);
      return true;
    },
  } as unknown as SseStream;
  const sub: Subscriber = {
    userId,
    stream,
    lastId: 0,
    pending: new Set(),
    reset: false,
    ready: true,
    tipKey: tip,
  };
  return { sub, tips: () => sent.filter((e) => e.event === 'tip').map((e) => e.data) };
}

describe('the tip fan-out', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  const tip11 = { height: 11, hash: 'b11' };
  const fanOut = (subs: Subscriber[]) =>
    createTipFanOut({
      quietMs: 100,
      maxHoldMs: 1_000,
      enqueue: (step) => void step(),
      subscribers: () => subs,
    });

  it('waits until no notice has come for the quiet time, then tells those not given the tip', () => {
    const changed = subscriber('ann', { tip: tipKey(tip11) }); // its change carried the tip
    const idle = subscriber('ben', { tip: tipKey({ height: 10, hash: 'b10' }) });
    const starting = subscriber('cy');
    starting.sub.ready = false;
    const tips = fanOut([changed.sub, idle.sub, starting.sub]);

    tips.noted(tip11);
    vi.advanceTimersByTime(60);
    tips.noted(undefined); // the block's changes still coming: the wait starts again
    vi.advanceTimersByTime(60);
    expect(idle.tips()).toEqual([]);
    vi.advanceTimersByTime(40);

    expect(idle.tips()).toEqual([JSON.stringify(tip11)]);
    expect(idle.sub.tipKey).toBe(tipKey(tip11));
    expect(changed.tips()).toEqual([]);
    expect(starting.tips()).toEqual([]);
    vi.advanceTimersByTime(5_000);
    expect(idle.tips()).toHaveLength(1); // once
  });

  it('sends a tip at most maxHoldMs after it came, however busy the changes keep the hub', () => {
    const idle = subscriber('ben');
    const tips = fanOut([idle.sub]);
    tips.noted(tip11);
    for (let t = 0; t < 950; t += 50) {
      vi.advanceTimersByTime(50);
      tips.noted(undefined);
    }
    expect(idle.tips()).toEqual([]);
    vi.advanceTimersByTime(60);
    expect(idle.tips()).toEqual([JSON.stringify(tip11)]);
  });

  it('sends only the newest of tips that came meanwhile; another block at the same height is news', () => {
    const idle = subscriber('ben');
    const tips = fanOut([idle.sub]);
    tips.noted({ height: 11, hash: 'b11' });
    tips.noted({ height: 12, hash: 'b12' });
    vi.advanceTimersByTime(100);
    tips.noted({ height: 12, hash: 'c12' }); // a reorg
    vi.advanceTimersByTime(100);
    expect(idle.tips()).toEqual([
      JSON.stringify({ height: 12, hash: 'b12' }),
      JSON.stringify({ height: 12, hash: 'c12' }),
    ]);
  });

  it('gives a client that was not reading the tip once it drains, unless a change gave it', () => {
    const before = tipKey({ height: 10, hash: 'b10' });
    let backedUp = true;
    const sent: SseEvent[] = [];
    const stream = {
      send: (event: SseEvent) => !backedUp && sent.push(event) > 0,
    } as unknown as SseStream;
    const stalled: Subscriber = { ...subscriber('ben', { tip: before }).sub, stream };
    const tips = fanOut([stalled]);
    tips.noted(tip11);
    vi.advanceTimersByTime(100);
    expect(stalled.tipKey).toBe(before);
    expect(sent).toEqual([]);
    backedUp = false;
    tips.catchUp(stalled);
    expect(sent).toEqual([{ event: 'tip', data: JSON.stringify(tip11) }]);
    tips.catchUp(stalled);
    expect(sent).toHaveLength(1);
  });

  it('sends nothing once closed', () => {
    const idle = subscriber('ben');
    const tips = fanOut([idle.sub]);
    tips.noted(tip11);
    tips.close();
    vi.advanceTimersByTime(2_000);
    expect(idle.tips()).toEqual([]);
  });
});
