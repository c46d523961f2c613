import type { RecordedEvent } from '#shared/events/types.js';

/** Where an event's version stands against its stream's applied version. */
export type VersionPosition = 'duplicate' | 'next' | 'ahead';

/**
 * The whole version rule in one place: at or below the applied version is a
 * duplicate (a re-delivery), exactly one above is the next to apply, anything
 * higher is ahead of a gap.
 */
export function classifyVersion(appliedVersion: number, version: number): VersionPosition {
  if (version <= appliedVersion) return 'duplicate';
  return version === appliedVersion + 1 ? 'next' : 'ahead';
}

/** What happened to one incoming event (or one parked event released by it). */
export type VersionOutcome =
  | { kind: 'applied'; event: RecordedEvent; fromParking: boolean }
  | { kind: 'duplicate'; event: RecordedEvent; appliedVersion: number }
  | { kind: 'parked'; event: RecordedEvent; expectedVersion: number };

export interface StreamPlan {
  stream: string;
  /** The applied version before the batch, and after it. */
  fromVersion: number;
  toVersion: number;
  outcomes: VersionOutcome[];
  /** Events to apply, in version order (incoming and released parked ones). */
  toApply: RecordedEvent[];
  /** Events to park (new in this batch, not released within it). */
  toPark: RecordedEvent[];
  /** Versions that were parked before this batch and are applied now: delete them. */
  toUnpark: number[];
}

/**
 * Plans one stream's part of a batch: pure, so the version arithmetic is tested
 * without a database. `parked` holds the stream's events already waiting in the
 * parked table; `incoming` the batch's events of the stream in delivery order.
 */
export function planStream(
  stream: string,
  appliedVersion: number,
  parked: ReadonlyMap<number, RecordedEvent>,
  incoming: readonly RecordedEvent[],
): StreamPlan {
  let version = appliedVersion;
  const waiting = new Map(parked);
  const parkedBefore = new Set(parked.keys());
  const outcomes: VersionOutcome[] = [];
  const toApply: RecordedEvent[] = [];
  const toUnpark: number[] = [];

  // The gap behind `version` may have closed: release the successors waiting behind it.
  const release = () => {
    for (let next = waiting.get(version + 1); next; next = waiting.get(version + 1)) {
      waiting.delete(next.version);
      if (parkedBefore.has(next.version)) toUnpark.push(next.version);
      toApply.push(next);
      outcomes.push({ kind: 'applied', event: next, fromParking: true });
      version = next.version;
    }
  };
  // First the ones an applied version already unblocks: another transaction may have
  // applied their predecessor after they were parked, and they must not wait for a
  // further event of the stream to come along.
  release();

  for (const event of incoming) {
    const position = classifyVersion(version, event.version);
    if (position === 'duplicate' || waiting.has(event.version)) {
      // A parked event delivered again is a duplicate too: it is already kept.
      outcomes.push({ kind: 'duplicate', event, appliedVersion: version });
      continue;
    }
    if (position === 'ahead') {
      waiting.set(event.version, event);
      outcomes.push({ kind: 'parked', event, expectedVersion: version + 1 });
      continue;
    }
    toApply.push(event);
    outcomes.push({ kind: 'applied', event, fromParking: false });
    version = event.version;
    release();
  }

  const toPark = [...waiting.values()]
    .filter((e) => !parkedBefore.has(e.version))
    .sort((a, b) => a.version - b.version);
  return { stream, fromVersion: appliedVersion, toVersion: version, outcomes, toApply, toPark, toUnpark };
}
