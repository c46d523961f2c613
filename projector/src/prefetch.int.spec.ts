import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RecordedEvent } from '#shared/events/types.js';
import { waitFor } from '#shared/testing/waitFor.js';
import { projectionTables } from '#shared/views/projectionTables.js';
import { confirmed, userEvents } from './testing/events.js';
import { createProjectorTestbed, type ProjectorTestbed, type Scenario } from './testing/projectorHarness.js';

/**
 * The projector fetches a partition's next batch while it applies the current one. A
 * batch fetched but not applied yet must be neither lost nor applied twice: not when
 * the projector closes in between, not when the batch before it fails.
 */
describe('projector: a batch fetched while the previous one is applied', () => {
  let bed: ProjectorTestbed;
  beforeAll(async () => {
    bed = await createProjectorTestbed('prefetch');
  });
  afterAll(() => bed.close());

  /** 20 users × 6 receives, sent as 20 separate Kafka batches of 6, one partition. */
  async function history(scenario: Scenario) {
    const expected = new Map<string, number>();
    const sends: RecordedEvent[][] = [];
    for (let u = 0; u < 20; u++) {
      const stream = userEvents(`u${u}`);
      const events = [];
      for (let i = 1; i <= 6; i++) {
        const delta = (u + 1) * 1_000 + i;
        events.push(stream.next(confirmed(`u${u}-${i}`, `b${i}`, i, { deltaSats: delta })));
        expected.set(`u${u}`, (expected.get(`u${u}`) ?? 0) + delta);
      }
      sends.push(events);
    }
    for (const events of sends) await scenario.send(events);
    return { expected, total: 120 };
  }

  async function expectExactlyOnce(scenario: Scenario, expected: Map<string, number>) {
    const t = projectionTables(scenario.schema);
    const balances = await bed.views.query<{ user_id: string; confirmed_sats: number; tx_count: number }>(
      `SELECT user_id, confirmed_sats, tx_count FROM ${t.balances}`,
    );
    expect(new Map(balances.rows.map((r) => [r.user_id, r.confirmed_sats]))).toEqual(expected);
    expect(balances.rows.every((r) => r.tx_count === 6)).toBe(true);
    const changes = await bed.views.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM ${t.activityChanges}`,
    );
    expect(changes.rows[0]!.n).toBe(120);
    expect((await scenario.status()).parkedEvents).toBe(0);
  }

  /** Events applied: the sum of the streams' applied versions. */
  const applied = async (scenario: Scenario) =>
    (
      await bed.views.query<{ n: number }>(
        `SELECT coalesce(sum(version), 0)::int AS n FROM ${projectionTables(scenario.schema).streamVersions}`,
      )
    ).rows[0]!.n;

  const committedOffset = async (scenario: Scenario) => {
    const admin = bed.kafka.admin();
    await admin.connect();
    try {
      const [topic] = await admin.fetchOffsets({ groupId: scenario.groupId, topics: [scenario.topic] });
      return Number(topic!.partitions[0]!.offset);
    } finally {
      await admin.disconnect();
    }
  };

  it('closed between the fetch and the apply: the fetched batch is neither applied nor committed, and the next member applies it once', async () => {
    const scenario = await bed.scenario('prefetch-close', 1);
    const { expected, total } = await history(scenario);
    // Small fetches, so the first batch is applied while the second is fetched.
    const config = { maxBytesPerPartition: 1_024 };
    let secondFetched!: () => void;
    const second = new Promise<void>((resolve) => (secondFetched = resolve));
    let fetches = 0;
    let firstCommitted: string | undefined;
    let closed!: () => void;
    const closing = new Promise<void>((resolve) => (closed = resolve));
    const { projector } = await scenario.start(config, {
      afterFetch: () => {
        if (++fetches === 2) secondFetched();
      },
      // The first batch waits until the second is fetched: the window under test.
      beforeApply: () => (fetches === 1 ? second : undefined),
      afterSqlCommit: ({ lastOffset }) => {
        if (firstCommitted !== undefined) return;
        firstCommitted = lastOffset;
        void projector.close().then(closed);
      },
    });
    await closing;
    expect(fetches).toBeGreaterThanOrEqual(2);
    const appliedBeforeClose = await applied(scenario);
    expect(appliedBeforeClose).toBeGreaterThan(0);
    expect(appliedBeforeClose).toBeLessThan(total);
    // The first batch's offset was committed on close; the prefetched one's was not.
    expect(await committedOffset(scenario)).toBe(Number(firstCommitted) + 1);

    const restarted = await scenario.start(config);
    await waitFor(
      () => applied(scenario),
      (n) => n === total,
      { what: `all ${total} events applied` },
    );
    await expectExactlyOnce(scenario, expected);
    const duplicates = (await restarted.metrics.events.get()).values
      .filter((v) => v.labels.outcome === 'duplicate')
      .reduce((sum, v) => sum + v.value, 0);
    expect(duplicates).toBe(0);
  });

  it('a batch that fails is fetched again, and the batch fetched after it is not applied before it', async () => {
    const scenario = await bed.scenario('prefetch-fail', 1);
    const { expected, total } = await history(scenario);
    let failed = false;
    const committed: number[] = [];
    await scenario.start(
      { maxBytesPerPartition: 1_024 },
      {
        beforeApply: ({ firstOffset }) => {
          // The second batch fails once, while the third has been fetched behind it.
          if (!failed && Number(firstOffset) > 0) {
            failed = true;
            throw new Error('injected failure');
          }
        },
        afterSqlCommit: ({ lastOffset }) => {
          committed.push(Number(lastOffset));
        },
      },
    );
    await waitFor(
      () => applied(scenario),
      (n) => n === total,
      { what: `all ${total} events applied` },
    );
    expect(failed).toBe(true);
    // In offset order: nothing after the failed batch was applied before it.
    expect(committed).toEqual([...committed].sort((a, b) => a - b));
    expect(new Set(committed).size).toBe(committed.length);
    await expectExactlyOnce(scenario, expected);
  });
});
