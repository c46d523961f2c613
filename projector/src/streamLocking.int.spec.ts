import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PoolClient } from '#shared/db/pool.js';
import type { RecordedEvent } from '#shared/events/types.js';
import { createLogger } from '#shared/logging/logger.js';
import { createTestDatabases, type TestDatabases } from '#shared/testing/testDatabases.js';
import { waitFor } from '#shared/testing/waitFor.js';
import { projectionTables, type ProjectionTables } from '#shared/views/projectionTables.js';
import { applyBatch } from './applyBatch.js';
import { createProjectionSchema } from './db/projectionSchemas.js';
import type { DecodedMessage } from './kafka/decodeMessage.js';
import { confirmed, hex, streamOf, userEvents } from './testing/events.js';
import { orderStream } from '#shared/events/streams.js';

const log = createLogger('stream-locking', 'silent');
const asMessages = (events: RecordedEvent[]): DecodedMessage[] =>
  events.map((event, i) => ({ ok: true, offset: String(i), event }));

/**
 * One stream's events in two transactions at once — as when the stream's events sit in
 * two partitions, or a revoked partition's batch is still retried by its old owner while
 * the new owner applies it. Each interleaving is forced step by step: the first
 * transaction applies its batch and holds it uncommitted; the second starts and must wait
 * for the first's stream lock; then the first commits and the second finishes. Whatever
 * the order, the stream ends complete: every version applied, nothing left parked.
 */
describe('projector: one stream in two transactions at once', () => {
  let dbs: TestDatabases;
  let tables: ProjectionTables;
  let counter = 0;

  beforeAll(async () => {
    dbs = await createTestDatabases('stream_locking');
    const schema = 'p_stream_locking';
    await createProjectionSchema(dbs.views, schema);
    tables = projectionTables(schema);
  });
  afterAll(() => dbs?.drop());

  /** The backend pid of a client, to see it wait for a lock. */
  const pidOf = async (client: PoolClient) =>
    (await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;

  const waitsForLock = async (pid: number) =>
    (
      await dbs.views.query<{ waiting: boolean }>(
        `SELECT coalesce(bool_or(wait_event_type = 'Lock'), false) AS waiting FROM pg_stat_activity WHERE pid = $1`,
        [pid],
      )
    ).rows[0]!.waiting;

  /**
   * Runs `first` up to its commit, starts `second` and lets it reach the stream lock,
   * commits `first`, then lets `second` finish and commit. A second transaction that does
   * not wait at all (the stream not locked) is let through as it is: the end state says
   * whether that was safe.
   */
  async function interleave(first: RecordedEvent[], second: RecordedEvent[]): Promise<{ waited: boolean }> {
    const [a, b] = [await dbs.views.connect(), await dbs.views.connect()];
    try {
      await a.query('BEGIN');
      await applyBatch(a, asMessages(first), { tables, takeSwapLock: true, log });
      await b.query('BEGIN');
      const bPid = await pidOf(b);
      let secondDone = false;
      const secondRun = applyBatch(b, asMessages(second), { tables, takeSwapLock: true, log }).finally(
        () => (secondDone = true),
      );
      await waitFor(
        async () => secondDone || (await waitsForLock(bPid)),
        (ready) => ready,
        { what: 'the second transaction to wait for the stream lock', intervalMs: 5 },
      );
      const waited = !secondDone;
      await a.query('COMMIT');
      await secondRun;
      await b.query('COMMIT');
      return { waited };
    } catch (err) {
      await Promise.all([a.query('ROLLBACK').catch(() => {}), b.query('ROLLBACK').catch(() => {})]);
      throw err;
    } finally {
      a.release();
      b.release();
    }
  }

  async function streamState(stream: string, userId: string) {
    const version = await dbs.views.query<{ version: number }>(
      `SELECT version FROM ${tables.streamVersions} WHERE stream = $1`,
      [stream],
    );
    const parked = await dbs.views.query<{ version: number }>(
      `SELECT version FROM ${tables.parkedEvents} WHERE stream = $1 ORDER BY version`,
      [stream],
    );
    const balance = await dbs.views.query<{ confirmed_sats: number; tx_count: number }>(
      `SELECT confirmed_sats, tx_count FROM ${tables.balances} WHERE user_id = $1`,
      [userId],
    );
    return {
      version: version.rows[0]?.version ?? 0,
      parked: parked.rows.map((r) => r.version),
      balance: balance.rows[0],
    };
  }

  /** A user whose stream already holds `applied` events, and its next two events. */
  async function userWithHistory(applied: number) {
    const userId = `locking-${++counter}`;
    const stream = userEvents(userId);
    const history = Array.from({ length: applied }, (_, i) =>
      stream.next(confirmed(`${userId}-h${i}`, `b${i}`, i + 1, { deltaSats: 1_000 })),
    );
    if (history.length > 0) {
      const client = await dbs.views.connect();
      try {
        await client.query('BEGIN');
        await applyBatch(client, asMessages(history), { tables, takeSwapLock: true, log });
        await client.query('COMMIT');
      } finally {
        client.release();
      }
    }
    const next = stream.next(confirmed(`${userId}-n1`, 'b100', 100, { deltaSats: 10 }));
    const after = stream.next(confirmed(`${userId}-n2`, 'b101', 101, { deltaSats: 20 }));
    return { userId, stream: stream.stream, next, after, base: applied * 1_000 };
  }

  for (const applied of [0, 2]) {
    const story = applied === 0 ? 'a new stream' : 'a stream with history';

    it(`${story}: the batch that parks commits first, the one that fills the gap waits, then applies both`, async () => {
      const u = await userWithHistory(applied);
      await interleave([u.after], [u.next]);
      const state = await streamState(u.stream, u.userId);
      expect(state).toEqual({
        version: applied + 2,
        parked: [],
        balance: { confirmed_sats: u.base + 30, tx_count: applied + 2 },
      });
    });

    it(`${story}: the batch that fills the gap commits first, the one that comes after waits, then applies`, async () => {
      const u = await userWithHistory(applied);
      await interleave([u.next], [u.after]);
      const state = await streamState(u.stream, u.userId);
      expect(state).toEqual({
        version: applied + 2,
        parked: [],
        balance: { confirmed_sats: u.base + 30, tx_count: applied + 2 },
      });
    });

    it(`${story}: the same batch twice at once is applied once`, async () => {
      const u = await userWithHistory(applied);
      await interleave([u.next, u.after], [u.next, u.after]);
      const state = await streamState(u.stream, u.userId);
      expect(state).toEqual({
        version: applied + 2,
        parked: [],
        balance: { confirmed_sats: u.base + 30, tx_count: applied + 2 },
      });
    });
  }

  /**
   * An order's events and its user's chain events sit in different partitions, and both
   * write the user's rows: the order batch holds the user's stream too, so the two
   * serialise and the second sees what the first committed. Without that, a chain event
   * applied beside an uncommitted link would make a row of its own next to the order row.
   */
  describe('an order batch and its user batch at once', () => {
    function settledOrder() {
      const userId = `trader-${++counter}`;
      const orderId = `${userId}-o1`;
      const order = streamOf(orderStream(orderId));
      const txid = `${userId}-settle`;
      const orderBatch = [
        order.next({
          type: 'OrderPlaced',
          payload: { orderId, userId, side: 'buy', amountSats: 40_000, limitPriceEurCents: null },
        }),
        order.next({
          type: 'OrderFilled',
          payload: {
            orderId,
            userId,
            side: 'buy',
            amountSats: 40_000,
            priceEurCents: 6_000_000,
            eurCents: 2_400,
          },
        }),
        order.next({ type: 'SettlementBroadcast', payload: { orderId, userId, txid: hex(txid) } }),
      ];
      const userBatch = [userEvents(userId).next(confirmed(txid, 'settle-block', 7, { deltaSats: 40_000 }))];
      return { userId, orderId, txid: hex(txid), orderBatch, userBatch };
    }

    const rowsOf = async (userId: string) =>
      (
        await dbs.views.query<{
          activity_id: string;
          type: string;
          status: string;
          settlement_delta_sats: number | null;
        }>(
          `SELECT activity_id, type, status, settlement_delta_sats FROM ${tables.activities} WHERE user_id = $1`,
          [userId],
        )
      ).rows;

    for (const orderFirst of [true, false]) {
      it(`${orderFirst ? 'the link' : 'the chain event'} commits first, the other waits for the user, then joins`, async () => {
        const o = settledOrder();
        const { waited } = orderFirst
          ? await interleave(o.orderBatch, o.userBatch)
          : await interleave(o.userBatch, o.orderBatch);
        expect(waited).toBe(true);
        expect(await rowsOf(o.userId)).toEqual([
          {
            activity_id: `order:${o.orderId}`,
            type: 'buy',
            status: 'confirmed',
            settlement_delta_sats: 40_000,
          },
        ]);
        expect((await streamState(`user:${o.userId}`, o.userId)).balance).toEqual({
          confirmed_sats: 40_000,
          tx_count: 1,
        });
      });
    }
  });
});
