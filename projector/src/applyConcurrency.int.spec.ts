import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RecordedEvent } from '#shared/events/types.js';
import { waitFor } from '#shared/testing/waitFor.js';
import { projectionTables } from '#shared/views/projectionTables.js';
import { confirmed, userEvents } from './testing/events.js';
import { createProjectorTestbed, type ProjectorTestbed } from './testing/projectorHarness.js';

/**
 * `partitionsConsumedConcurrently` (PROJECTOR_CONCURRENCY) bounds the batches applied at
 * once, not only kafkajs's hand-overs: those return at once, and every partition's batch
 * used to be applied side by side.
 */
describe('projector: batches applied at once', () => {
  let bed: ProjectorTestbed;
  beforeAll(async () => {
    bed = await createProjectorTestbed('apply-concurrency');
  });
  afterAll(() => bed.close());

  it('never more than partitionsConsumedConcurrently, over partitions that all have batches waiting', async () => {
    const scenario = await bed.scenario('apply-concurrency', 4);
    // 24 users × 4 receives, each user's in a send of its own: every partition gets
    // several small batches.
    const expected = new Map<string, number>();
    const sends: RecordedEvent[][] = [];
    for (let u = 0; u < 24; u++) {
      const stream = userEvents(`c${u}`);
      const events = [];
      for (let i = 1; i <= 4; i++) {
        events.push(stream.next(confirmed(`c${u}-${i}`, `b${i}`, i, { deltaSats: 1_000 + i })));
        expected.set(`c${u}`, (expected.get(`c${u}`) ?? 0) + 1_000 + i);
      }
      sends.push(events);
    }
    for (const events of sends) await scenario.send(events);

    let applying = 0;
    let most = 0;
    let batches = 0;
    await scenario.start(
      { partitionsConsumedConcurrently: 2, maxBytesPerPartition: 2_048 },
      {
        beforeApply: async () => {
          batches++;
          most = Math.max(most, ++applying);
          await sleep(30); // long enough for the other partitions' batches to be handed over
        },
        afterSqlCommit: () => void applying--,
      },
    );
    const t = projectionTables(scenario.schema);
    await waitFor(
      async () =>
        (
          await bed.views.query<{ n: number }>(
            `SELECT coalesce(sum(version), 0)::int AS n FROM ${t.streamVersions}`,
          )
        ).rows[0]!.n,
      (n) => n === 96,
      { what: 'all 96 events applied' },
    );
    expect(batches).toBeGreaterThan(4);
    expect(most).toBe(2);
    const { rows } = await bed.views.query<{ user_id: string; confirmed_sats: number }>(
      `SELECT user_id, confirmed_sats FROM ${t.balances}`,
    );
    expect(new Map(rows.map((r) => [r.user_id, r.confirmed_sats]))).toEqual(expected);
  });
});
