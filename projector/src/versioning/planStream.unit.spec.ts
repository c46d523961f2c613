import { describe, expect, it } from 'vitest';
import type { RecordedEvent } from '#shared/events/types.js';
import { classifyVersion, planStream } from './planStream.js';

const ev = (version: number): RecordedEvent => ({
  id: `00000000-0000-4000-8000-${String(version).padStart(12, '0')}`,
  type: 'UserRegistered',
  stream: 'user:u',
  version,
  occurredAt: '2026-01-01T00:00:00.000Z',
  payload: { userId: 'u' },
});
const versions = (events: RecordedEvent[]) => events.map((e) => e.version);
const kinds = (plan: ReturnType<typeof planStream>) =>
  plan.outcomes.map((o) => `${o.kind}:${o.event.version}`);

describe('classifyVersion', () => {
  it.each([
    [0, 1, 'next'],
    [3, 4, 'next'],
    [3, 3, 'duplicate'],
    [3, 1, 'duplicate'],
    [3, 5, 'ahead'],
    [0, 2, 'ahead'],
  ] as const)('applied %i, version %i → %s', (applied, version, expected) => {
    expect(classifyVersion(applied, version)).toBe(expected);
  });
});

describe('planStream', () => {
  it('applies consecutive versions', () => {
    const plan = planStream('user:u', 0, new Map(), [ev(1), ev(2), ev(3)]);
    expect(versions(plan.toApply)).toEqual([1, 2, 3]);
    expect(plan.toVersion).toBe(3);
    expect(plan.toPark).toEqual([]);
  });

  it('skips duplicates, also inside one batch', () => {
    const plan = planStream('user:u', 2, new Map(), [ev(1), ev(2), ev(3), ev(3)]);
    expect(kinds(plan)).toEqual(['duplicate:1', 'duplicate:2', 'applied:3', 'duplicate:3']);
    expect(plan.toVersion).toBe(3);
  });

  it('parks an event ahead of a gap and releases it when the gap fills in the same batch', () => {
    const plan = planStream('user:u', 1, new Map(), [ev(3), ev(4), ev(2)]);
    expect(kinds(plan)).toEqual(['parked:3', 'parked:4', 'applied:2', 'applied:3', 'applied:4']);
    expect(versions(plan.toApply)).toEqual([2, 3, 4]);
    expect(plan.toPark).toEqual([]);
    expect(plan.toUnpark).toEqual([]);
    expect(plan.toVersion).toBe(4);
  });

  it('releases events parked by an earlier batch and asks to delete them', () => {
    const parked = new Map([
      [3, ev(3)],
      [5, ev(5)],
    ]);
    const plan = planStream('user:u', 1, parked, [ev(2)]);
    expect(versions(plan.toApply)).toEqual([2, 3]);
    expect(plan.toUnpark).toEqual([3]);
    expect(plan.toVersion).toBe(3);
    expect(plan.toPark).toEqual([]);
  });

  it('keeps a gap open: parks in version order and applies nothing past it', () => {
    const plan = planStream('user:u', 1, new Map(), [ev(5), ev(3)]);
    expect(plan.toApply).toEqual([]);
    expect(versions(plan.toPark)).toEqual([3, 5]);
    expect(plan.outcomes).toEqual([
      { kind: 'parked', event: ev(5), expectedVersion: 2 },
      { kind: 'parked', event: ev(3), expectedVersion: 2 },
    ]);
    expect(plan.toVersion).toBe(1);
  });

  it('treats a re-delivered parked event as a duplicate', () => {
    const plan = planStream('user:u', 1, new Map([[3, ev(3)]]), [ev(3)]);
    expect(kinds(plan)).toEqual(['duplicate:3']);
    expect(plan.toPark).toEqual([]);
  });

  it('releases a parked successor of the applied version even when nothing new is applied', () => {
    // Another transaction applied version 2 after this stream's 3 was parked: a batch that
    // brings only a duplicate must still release 3 (and what follows it), not strand it.
    const parked = new Map([
      [3, ev(3)],
      [4, ev(4)],
      [6, ev(6)],
    ]);
    const plan = planStream('user:u', 2, parked, [ev(2)]);
    expect(kinds(plan)).toEqual(['applied:3', 'applied:4', 'duplicate:2']);
    expect(versions(plan.toApply)).toEqual([3, 4]);
    expect(plan.toUnpark).toEqual([3, 4]);
    expect(plan.toVersion).toBe(4);
    expect(plan.toPark).toEqual([]);
  });
});
