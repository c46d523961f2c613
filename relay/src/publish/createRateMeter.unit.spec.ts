import { describe, expect, it } from 'vitest';
import { createRateMeter } from './createRateMeter.js';

describe('createRateMeter', () => {
  it('averages over the window and forgets older counts', () => {
    let t = 1_000_000;
    const meter = createRateMeter(10, () => t);
    t += 10_000;
    meter.add(500);
    t += 4_000;
    meter.add(500);
    expect(meter.perSecond()).toBeCloseTo(1_000 / 9, 5);
    t += 7_000; // the first 500 left the window
    expect(meter.perSecond()).toBeCloseTo(500 / 9, 5);
    t += 20_000;
    expect(meter.perSecond()).toBe(0);
  });

  it('uses the time since start while the window is not yet full', () => {
    let t = 5_000;
    const meter = createRateMeter(10, () => t);
    t += 2_000;
    meter.add(100);
    expect(meter.perSecond()).toBeCloseTo(50, 5);
  });
});
