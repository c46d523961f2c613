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

describe('createWakeSignal with an abort signal', () => {
  it('ends a wait when the signal aborts', async () => {
    const signal = createWakeSignal();
    const abort = new AbortController();
    const waiting = signal.wait(10_000, abort.signal);
    abort.abort();
    await expect(waiting).resolves.toBe('aborted');
  });

  it('does not wait at all on an aborted signal, and a wake-up still wins', async () => {
    const signal = createWakeSignal();
    const abort = new AbortController();
    abort.abort();
    await expect(signal.wait(10_000, abort.signal)).resolves.toBe('aborted');
    signal.wake();
    await expect(signal.wait(10_000, abort.signal)).resolves.toBe('woken');
  });
});
