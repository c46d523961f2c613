import { describe, expect, it } from 'vitest';
import { createWindowCounter } from './windowCounter.js';

describe('window counter', () => {
  it('allows max hits per window, then says how long to wait; a new window starts afresh', () => {
    const counter = createWindowCounter({ max: 2, windowMs: 1_000 });
    expect([counter.hit('a', 0), counter.hit('a', 100), counter.hit('a', 400)]).toEqual([0, 0, 600]);
    expect(counter.blockedFor('a', 500)).toBe(500);
    expect(counter.hit('b', 500)).toBe(0);
    expect(counter.blockedFor('a', 1_000)).toBe(0);
    expect(counter.hit('a', 1_000)).toBe(0);
  });

  it('is not blocked before the budget is used up', () => {
    const counter = createWindowCounter({ max: 2, windowMs: 1_000 });
    expect(counter.blockedFor('a', 0)).toBe(0);
    counter.hit('a', 0);
    expect(counter.blockedFor('a', 0)).toBe(0);
    counter.hit('a', 0);
    expect(counter.blockedFor('a', 0)).toBe(1_000);
  });

  it('holds at most maxKeys windows, forgetting the oldest', () => {
    const counter = createWindowCounter({ max: 1, windowMs: 1_000, maxKeys: 2 });
    counter.hit('a', 0);
    counter.hit('b', 1);
    counter.hit('c', 2);
    expect(counter.blockedFor('a', 3)).toBe(0);
    expect(counter.blockedFor('b', 3)).toBe(998);
    expect(counter.blockedFor('c', 3)).toBe(999);
  });
});
