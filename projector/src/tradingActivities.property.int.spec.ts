import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RecordedEvent } from '#shared/events/types.js';
import { createLogger } from '#shared/logging/logger.js';
import { seededRandom } from '#shared/testing/seededRandom.js';
import { createTestDatabases, type TestDatabases } from '#shared/testing/testDatabases.js';
import { projectionTables, type ProjectionTables } from '#shared/views/projectionTables.js';
import { applyBatch } from './applyBatch.js';
import { createProjectionSchema } from './db/projectionSchemas.js';
import { tableChecksums } from './db/tableChecksums.js';
import type { DecodedMessage } from './kafka/decodeMessage.js';
import { randomDelivery, randomTradingHistory, type TradingHistory } from './testing/randomTradingHistory.js';

const log = createLogger('trading-property', 'silent');
const HISTORIES = [11, 12, 13, 14, 15];
const DELIVERIES_PER_HISTORY = 45; // 225 deliveries in all

interface ActivityDump {
  user_id: string;
  activity_id: string;
  txid: string | null;
  type: string;
  status: string;
  amount_sats: number;
  block_hash: string | null;
  order_id: string | null;
  settlement_delta_sats: number | null;
}

/**
 * The join of two sources, against real PostgreSQL through applyBatch (no Kafka): the
 * same history — orders placed, cancelled, rejected, filled and settled; their settlement
 * transactions' chain events (pending, confirmed, reverted, confirmed again in another
 * block, dropped); unrelated receives, withdrawals and moves to oneself; redeliveries —
 * delivered in many random orders that keep each stream's own order and cut into random
 * batches. A settlement's chain events come before its link in some, after in others.
 * Every delivery must end in identical read tables, and those must match the model.
 */
describe('projector: activities joined from orders and chain events, any delivery order (seeded)', () => {
  let dbs: TestDatabases;
  let tables: ProjectionTables;
  const schema = 'p_trading_property';

  beforeAll(async () => {
    dbs = await createTestDatabases('trading_property');
    await createProjectionSchema(dbs.views, schema);
    tables = projectionTables(schema);
  });
  afterAll(() => dbs?.drop());

  async function deliver(batches: RecordedEvent[][]): Promise<void> {
    const { schema: _, ...names } = tables;
    await dbs.views.query(`TRUNCATE ${Object.values(names).join(', ')}`);
    let offset = 0;
    for (const batch of batches) {
      const messages: DecodedMessage[] = batch.map((event) => ({
        ok: true,
        offset: String(offset++),
        event,
      }));
      const client = await dbs.views.connect();
      try {
        await client.query('BEGIN');
        await applyBatch(client, messages, { tables, takeSwapLock: false, log });
        await client.query('COMMIT');
      } catch (err) {
        await client.query('ROLLBACK');
        throw err;
      } finally {
        client.release();
      }
    }
  }

  const dump = async () => ({
    activities: (
      await dbs.views.query<ActivityDump>(
        `SELECT user_id, activity_id, txid, type, status, amount_sats, block_hash, order_id, settlement_delta_sats
         FROM ${tables.activities} ORDER BY user_id, activity_id`,
      )
    ).rows,
    balances: (
      await dbs.views.query<{
        user_id: string;
        confirmed_sats: number;
        pending_sats: number;
        tx_count: number;
      }>(`SELECT user_id, confirmed_sats, pending_sats, tx_count FROM ${tables.balances} ORDER BY user_id`)
    ).rows,
  });

  /** The rows the model says every delivery must end in. */
  function expectModel(history: TradingHistory, tables: Awaited<ReturnType<typeof dump>>) {
    const byKey = new Map(tables.activities.map((a) => [`${a.user_id} ${a.activity_id}`, a]));
    for (const tx of history.txs) {
      if (tx.orderId !== null) {
        // Never a row of its own: its state is the order row's settlement.
        expect(byKey.get(`${tx.userId} ${tx.txid}`)).toBeUndefined();
        expect(byKey.get(`${tx.userId} order:${tx.orderId}`)).toMatchObject({
          txid: tx.txid,
          status: tx.status,
          block_hash: tx.blockHash,
          settlement_delta_sats: tx.deltaSats,
        });
      } else {
        expect(byKey.get(`${tx.userId} ${tx.txid}`)).toMatchObject({
          status: tx.status,
          amount_sats: tx.deltaSats,
          block_hash: tx.blockHash,
          type: tx.deltaSats > 0 ? 'receive' : tx.deltaSats === -250 ? 'self' : 'withdrawal',
        });
      }
    }
    for (const order of history.orders) {
      const filled = order.outcome === 'filled' || order.outcome === 'settled';
      const type = filled ? order.side : order.side === 'buy' ? 'bid' : 'ask';
      const row = byKey.get(`${order.userId} order:${order.orderId}`);
      expect(row).toMatchObject({
        type,
        amount_sats: order.side === 'buy' ? order.amountSats : -order.amountSats,
        order_id: order.orderId,
      });
      if (!filled) expect(row?.status).toBe(order.outcome);
      if (order.outcome === 'filled') expect(row).toMatchObject({ status: 'settling', txid: null });
    }
    expect(tables.activities).toHaveLength(
      history.orders.length + history.txs.filter((t) => t.orderId === null).length,
    );
    // Balances stay chain-derived; the oracle's invariant holds.
    for (const balance of tables.balances) {
      const mine = history.txs.filter((t) => t.userId === balance.user_id);
      const sum = (status: string) =>
        mine.filter((t) => t.status === status).reduce((s, t) => s + t.deltaSats, 0);
      expect(balance).toMatchObject({
        confirmed_sats: sum('confirmed'),
        pending_sats: sum('pending'),
        tx_count: mine.filter((t) => t.status === 'confirmed').length,
      });
      const rows = tables.activities.filter((a) => a.user_id === balance.user_id && a.status === 'confirmed');
      expect(
        rows.reduce((s, a) => s + (a.order_id === null ? a.amount_sats : a.settlement_delta_sats!), 0),
      ).toBe(balance.confirmed_sats);
    }
  }

  it.each(HISTORIES)(
    'history %i: every delivery order gives the same tables, as the model says',
    async (seed) => {
      const rnd = seededRandom(seed);
      const history = randomTradingHistory(rnd, `h${seed}`, 3);
      // The reference: each stream whole, the users' streams (chain events) before the orders'.
      await deliver([...history.streams].reverse().map((s) => [...s]));
      const reference = await tableChecksums(dbs.views, schema);
      const referenceRows = await dump();
      expectModel(history, referenceRows);

      let linkFirst = 0;
      for (let d = 0; d < DELIVERIES_PER_HISTORY; d++) {
        const batches = randomDelivery(rnd, history.streams);
        const order = batches.flat();
        const linkAt = order.findIndex((e) => e.type === 'SettlementBroadcast');
        const txid =
          linkAt >= 0 && order[linkAt]!.type === 'SettlementBroadcast' ? order[linkAt]!.payload.txid : null;
        if (
          txid !== null &&
          order.findIndex((e) => 'txid' in e.payload && e.payload.txid === txid) === linkAt
        ) {
          linkFirst++;
        }
        await deliver(batches);
        const rows = await dump();
        expect(rows, `history ${seed}, delivery ${d}`).toEqual(referenceRows);
        expect(await tableChecksums(dbs.views, schema), `history ${seed}, delivery ${d}`).toEqual(reference);
      }
      // Both arrival orders of a link and its transaction's chain events were exercised.
      expect(linkFirst).toBeGreaterThan(0);
      expect(linkFirst).toBeLessThan(DELIVERIES_PER_HISTORY);
    },
  );
});
