import { describe, expect, it } from 'vitest';
import { createWakeSignal } from './createWakeSignal.js';

describe('createWakeSignal', () => {
  it('keeps a wake-up that came while nobody waited', async () => {
    const signal = createWakeSignal();
    signal.wake();
    await expect(signal.wait(10_000)).resolves.toBe('woken');
  });

  it('forgets wake-ups on clear() and times out', async () => {
    const signal = createWakeSignal();
    signal.wake();
    signal.clear();
    await expect(signal.wait(5)).resolves.toBe('timeout');
  });

  it('ends a wait in progress', async () => {
    const signal = createWakeSignal();
    const waiting = signal.wait(10_000);
    signal.wake();
    await expect(waiting).resolves.toBe('woken');
  });
});
