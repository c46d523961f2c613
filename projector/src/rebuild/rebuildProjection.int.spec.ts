import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPool } from '#shared/db/pool.js';
import type { RecordedEvent } from '#shared/events/types.js';
import { waitFor } from '#shared/testing/waitFor.js';
import { createProjector } from '../createProjector.js';
import { createProjectionSchema } from '../db/projectionSchemas.js';
import { tableChecksums } from '../db/tableChecksums.js';
import { projectionTables } from '#shared/views/projectionTables.js';
import { createProjectorMetrics } from '../metrics.js';
import {
  blockConnected,
  blockDisconnected,
  chainEvents,
  confirmed,
  dropped,
  hex,
  pending,
  reverted,
  streamOf,
  userEvents,
  uuidOf,
} from '../testing/events.js';
import { orderStream } from '#shared/events/streams.js';
import { createProjectorTestbed, type ProjectorTestbed } from '../testing/projectorHarness.js';
import { rebuildProjection } from './rebuildProjection.js';

/**
 * A history with receives, withdrawals, reverts and re-mines, mempool transactions
 * (replaced, evicted, pending), coinbase rewards, orders (filled and settled — the
 * settlement's chain events before or after the link —, cancelled, rejected), a poison
 * event and an open gap.
 */
function history(round: number, users: number) {
  const streams = Array.from({ length: users }, (_, u) => userEvents(`u${u}`));
  const orders: ReturnType<typeof streamOf>[] = [];
  return {
    streams,
    orders,
    next(): (RecordedEvent | { key: string; value: string })[] {
      const out: (RecordedEvent | { key: string; value: string })[] = [];
      streams.forEach((s, u) => {
        const userId = `u${u}`;
        if (u % 4 === 0 && round > 0) {
          // A buy settled on chain: its chain events before the link in odd rounds, after in even ones.
          const orderId = uuidOf(`${userId}-o${round}`);
          const o = streamOf(orderStream(orderId));
          orders.push(o);
          const settle = `${userId}-settle${round}`;
          const link = [
            o.next({
              type: 'OrderPlaced',
              payload: { orderId, userId, side: 'buy', amountSats: 20_000, limitPriceEurCents: null },
            }),
            o.next({
              type: 'OrderFilled',
              payload: {
                orderId,
                userId,
                side: 'buy',
                amountSats: 20_000,
                priceEurCents: 6_000_000,
                eurCents: 1_200,
              },
            }),
            o.next({ type: 'SettlementBroadcast', payload: { orderId, userId, txid: hex(settle) } }),
          ];
          const chainSide = [
            s.next(pending(settle, { deltaSats: 20_000 })),
            s.next(confirmed(settle, `b${round}`, round + 1, { deltaSats: 20_000 })),
          ];
          out.push(...(round % 2 === 1 ? [...chainSide, ...link] : [...link, ...chainSide]));
        }
        if (u % 6 === 1 || u % 6 === 5) {
          const orderId = uuidOf(`${userId}-c${round}`);
          const o = streamOf(orderStream(orderId));
          orders.push(o);
          const side = u % 6 === 1 ? 'buy' : 'sell';
          out.push(
            o.next({
              type: 'OrderPlaced',
              payload: { orderId, userId, side, amountSats: 5_000, limitPriceEurCents: 5_000_000 },
            }),
            u % 6 === 1
              ? o.next({ type: 'OrderCancelled', payload: { orderId, userId } })
              : o.next({
                  type: 'OrderRejected',
                  payload: { orderId, userId, reason: 'coins cannot fund it' },
                }),
          );
        }
        if (round === 0) out.push(s.next({ type: 'UserRegistered', payload: { userId } }));
        out.push(s.next(confirmed(`${userId}-r${round}`, `b${round}`, round + 1, { deltaSats: 1_000 + u })));
        if (u % 3 === 0) {
          out.push(s.next(reverted(`${userId}-r${round}`, `b${round}`, round + 1, -(1_000 + u))));
          out.push(
            s.next(confirmed(`${userId}-r${round}`, `b${round}x`, round + 2, { deltaSats: 1_000 + u })),
          );
        }
        // Mempool stories: replaced by a fee bump that is mined; evicted; still pending.
        if (u % 5 === 2) {
          const [first, bump] = [`${userId}-p${round}`, `${userId}-p${round}b`];
          out.push(s.next(pending(first, { deltaSats: -400, replaceable: true })));
          out.push(s.next(dropped(first, 'replaced', bump)));
          out.push(s.next(pending(bump, { deltaSats: -450 })));
          out.push(s.next(confirmed(bump, `b${round}`, round + 1, { deltaSats: -450 })));
        }
        if (u % 5 === 3) {
          out.push(s.next(pending(`${userId}-e${round}`, { deltaSats: 60 })));
          out.push(s.next(dropped(`${userId}-e${round}`, 'evicted')));
          out.push(s.next(pending(`${userId}-w${round}`, { deltaSats: 70 })));
        }
        if (u % 7 === 4)
          out.push(
            s.next(
              confirmed(`${userId}-cb${round}`, `b${round}`, round + 1, { deltaSats: 50, coinbase: true }),
            ),
          );
        if (u % 4 === 1)
          out.push(
            s.next(
              confirmed(`${userId}-s${round}`, `b${round}`, round + 1, {
                deltaSats: -300,
                receivedSats: 0,
                sentSats: 300,
              }),
            ),
          );
      });
      round++;
      return out;
    },
  };
}

describe('rebuild', () => {
  let bed: ProjectorTestbed;
  beforeAll(async () => {
    bed = await createProjectorTestbed('rebuild');
  });
  afterAll(() => bed.close());

  it('replays into fresh tables, swaps them in while the live projector runs, and equals a replay row for row', async () => {
    const s = await bed.scenario('rebuild');
    const h = history(0, 40);
    const chain = chainEvents();
    const gapStream = userEvents('gappy');
    gapStream.next({ type: 'UserRegistered', payload: { userId: 'gappy' } }); // version 1 never published
    await s.send([
      ...h.next(),
      chain.next(blockConnected('b0', 1, 'g')),
      chain.next(blockConnected('b1', 2, 'b0')),
      chain.next(blockDisconnected('b1', 2)),
      chain.next(blockConnected('b1x', 2, 'b0')),
      gapStream.next(confirmed('g1', 'b0', 1, { deltaSats: 5 })),
      { key: 'user:poison', value: '{"type":"Nope"}' },
    ]);
    await s.start();
    await s.waitForVersion('user:u0', 4);

    // Writes keep arriving during the rebuild; its own pool, as in its own process.
    const rebuildDb = createPool({ connectionString: bed.dbs.viewsUrl, max: 5 });
    let writing = true;
    const writer = (async () => {
      while (writing) await s.send(h.next());
    })();
    let result;
    try {
      result = await rebuildProjection({
        db: rebuildDb,
        kafka: bed.kafka,
        log: bed.log,
        config: {
          topic: s.topic,
          groupId: s.groupId,
          liveSchema: s.schema,
          keepOld: true,
          maxWaitTimeInMs: 100,
        },
      });
    } finally {
      writing = false;
      await writer;
      await rebuildDb.end();
    }
    expect(result.retiredSchema).toMatch(new RegExp(`^${s.schema}_old_`));
    expect(result.eventsApplied).toBeGreaterThan(0);

    // After the swap the live projector keeps writing, now into the rebuilt tables.
    await s.send([...h.next(), chain.next(blockConnected('b2', 3, 'b1x'))]);
    const expectedVersions = new Map([...h.streams, ...h.orders].map((st) => [st.stream, st.current()]));
    for (const [stream, version] of expectedVersions) await s.waitForVersion(stream, version);
    await s.waitForVersion('chain', 5);

    // The reference: an independent replay of the whole topic into another schema.
    const reference = `${s.schema}_ref`;
    await createProjectionSchema(bed.views, reference);
    const replay = createProjector({
      db: bed.views,
      kafka: bed.kafka,
      log: bed.log,
      metrics: createProjectorMetrics(new Registry()),
      config: {
        topic: s.topic,
        groupId: `${s.groupId}-ref`,
        schema: reference,
        takeSwapLock: false,
        maxWaitTimeInMs: 100,
      },
    });
    await replay.start();
    const t = projectionTables(reference);
    try {
      for (const [stream, version] of expectedVersions) {
        await waitFor(
          async () =>
            (
              await bed.views.query<{ v: number }>(
                `SELECT version AS v FROM ${t.streamVersions} WHERE stream = $1`,
                [stream],
              )
            ).rows[0]?.v ?? 0,
          (v) => v >= version,
          { what: `${stream} in the reference` },
        );
      }
      await waitFor(
        async () =>
          (await bed.views.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${t.deadLetters}`)).rows[0]!
            .n,
        (n) => n === 1,
        { what: 'the dead letter in the reference' },
      );
    } finally {
      await replay.close();
    }

    const live = await tableChecksums(bed.views, s.schema);
    const replayed = await tableChecksums(bed.views, reference);
    expect(live).toEqual(replayed);
    expect(live.balances!.rows).toBe(40); // `gappy` has nothing applied: its version 1 never came
    expect(live.parked_events!.rows).toBe(1);
    expect(live.dead_letters!.rows).toBe(1);
    const { rows: statuses } = await bed.views.query<{ status: string }>(
      `SELECT DISTINCT status FROM "${s.schema}".activities ORDER BY status`,
    );
    expect(statuses.map((r) => r.status)).toEqual([
      'cancelled',
      'confirmed',
      'dropped',
      'pending',
      'rejected',
      'replaced',
    ]);
    // Every settlement is inside its buy row, never a row of its own.
    const { rows: settled } = await bed.views.query<{ buys: number; unlinked: number }>(
      `SELECT count(*) FILTER (WHERE type = 'buy' AND status = 'confirmed' AND settlement_delta_sats = 20000)::int AS buys,
              count(*) FILTER (WHERE order_id IS NULL AND txid IN (SELECT txid FROM "${s.schema}".settlement_links))::int AS unlinked
       FROM "${s.schema}".activities`,
    );
    expect(settled[0]!.buys).toBeGreaterThan(10);
    expect(settled[0]!.unlinked).toBe(0);
    const { rows } = await bed.views.query<{ height: number }>(
      `SELECT max(height) AS height FROM "${s.schema}".chain_blocks`,
    );
    expect(rows[0]!.height).toBe(3);
  });
});
