import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectionTables } from '#shared/views/projectionTables.js';
import {
  blockConnected,
  blockDisconnected,
  chainEvents,
  confirmed,
  dropped,
  hex,
  pending,
  reverted,
  userEvents,
} from './testing/events.js';
import { createProjectorTestbed, type ProjectorTestbed, type Scenario } from './testing/projectorHarness.js';

const registered = (userId: string) => ({ type: 'UserRegistered' as const, payload: { userId } });
const SEEN = '2026-01-01T00:00:00.000Z';

describe('projector: mempool events (real Kafka and PostgreSQL)', () => {
  let bed: ProjectorTestbed;
  beforeAll(async () => {
    bed = await createProjectorTestbed('projector-mempool');
  });
  afterAll(() => bed.close());

  async function balance(s: Scenario, userId: string) {
    const { rows } = await bed.views.query(
      `SELECT confirmed_sats, pending_sats, tx_count FROM ${projectionTables(s.schema).balances} WHERE user_id = $1`,
      [userId],
    );
    return rows[0] as Record<string, unknown> | undefined;
  }
  async function activities(s: Scenario, userId: string) {
    const { rows } = await bed.views.query<Record<string, unknown>>(
      `SELECT txid, type, amount_sats, status, block_height, drop_reason, replaced_by, coinbase,
              replaceable, first_seen_at
       FROM ${projectionTables(s.schema).activities} WHERE user_id = $1 ORDER BY seq DESC`,
      [userId],
    );
    return rows;
  }
  async function changes(s: Scenario, userId: string) {
    const { rows } = await bed.views.query<Record<string, unknown>>(
      `SELECT version, status, block_height, drop_reason, replaced_by
       FROM ${projectionTables(s.schema).activityChanges} WHERE user_id = $1 ORDER BY version`,
      [userId],
    );
    return rows;
  }

  it('pending, then mined: pending_sats moves to confirmed_sats', async () => {
    const s = await bed.scenario('pending-confirmed');
    const alice = userEvents('alice');
    await s.start();
    await s.send([
      alice.next(registered('alice')),
      alice.next(pending('t1', { deltaSats: 8_000, firstSeenAt: SEEN, replaceable: true })),
    ]);
    await s.waitForVersion('user:alice', 2);
    expect(await balance(s, 'alice')).toEqual({ confirmed_sats: 0, pending_sats: 8_000, tx_count: 0 });
    expect(await activities(s, 'alice')).toEqual([
      {
        txid: hex('t1'),
        type: 'receive',
        amount_sats: 8_000,
        status: 'pending',
        block_height: null,
        drop_reason: null,
        replaced_by: null,
        coinbase: false,
        replaceable: true,
        first_seen_at: new Date(SEEN),
      },
    ]);

    await s.send([alice.next(confirmed('t1', 'b10', 10, { deltaSats: 8_000 }))]);
    await s.waitForVersion('user:alice', 3);
    expect(await balance(s, 'alice')).toEqual({ confirmed_sats: 8_000, pending_sats: 0, tx_count: 1 });
    expect(await activities(s, 'alice')).toMatchObject([
      { status: 'confirmed', block_height: 10, replaceable: true, first_seen_at: new Date(SEEN) },
    ]);
  });

  it('pending, then replaced (RBF): the replacement is a new row, only it stays pending and gets mined', async () => {
    const s = await bed.scenario('pending-replaced');
    const bob = userEvents('bob');
    await s.start();
    await s.send([
      bob.next(registered('bob')),
      bob.next(pending('s1', { deltaSats: -2_000, firstSeenAt: SEEN, replaceable: true })),
    ]);
    await s.waitForVersion('user:bob', 2);
    expect(await balance(s, 'bob')).toMatchObject({ pending_sats: -2_000 });

    await s.send([
      bob.next(dropped('s1', 'replaced', 's2')),
      bob.next(pending('s2', { deltaSats: -2_100, firstSeenAt: SEEN, replaceable: false })),
    ]);
    await s.waitForVersion('user:bob', 4);
    expect(await balance(s, 'bob')).toEqual({ confirmed_sats: 0, pending_sats: -2_100, tx_count: 0 });
    expect(await activities(s, 'bob')).toMatchObject([
      { txid: hex('s2'), type: 'withdrawal', status: 'pending', replaceable: false },
      { txid: hex('s1'), status: 'replaced', drop_reason: 'replaced', replaced_by: hex('s2') },
    ]);

    // A late drop of the replaced one again, and the replacement mined.
    await s.send([
      bob.next(dropped('s1', 'conflict')),
      bob.next(confirmed('s2', 'b3', 3, { deltaSats: -2_100 })),
    ]);
    await s.waitForVersion('user:bob', 6);
    expect(await balance(s, 'bob')).toEqual({ confirmed_sats: -2_100, pending_sats: 0, tx_count: 1 });
    expect(await changes(s, 'bob')).toEqual([
      { version: 2, status: 'pending', block_height: null, drop_reason: null, replaced_by: null },
      { version: 3, status: 'replaced', block_height: null, drop_reason: 'replaced', replaced_by: hex('s2') },
      { version: 4, status: 'pending', block_height: null, drop_reason: null, replaced_by: null },
      { version: 6, status: 'confirmed', block_height: 3, drop_reason: null, replaced_by: null },
    ]);
  });

  it('a reorg: the reverted transaction is pending again, then mined in another block', async () => {
    const s = await bed.scenario('reorg-pending');
    const carol = userEvents('carol');
    const chain = chainEvents();
    await s.start();
    await s.send([
      chain.next(blockConnected('a1', 1, 'g')),
      carol.next(registered('carol')),
      carol.next(pending('t1', { deltaSats: 1_500, firstSeenAt: SEEN })),
      carol.next(confirmed('t1', 'a1', 1, { deltaSats: 1_500 })),
    ]);
    await s.waitForVersion('user:carol', 3);
    expect(await balance(s, 'carol')).toEqual({ confirmed_sats: 1_500, pending_sats: 0, tx_count: 1 });

    await s.send([
      chain.next(blockDisconnected('a1', 1)),
      carol.next(reverted('t1', 'a1', 1, -1_500)),
      carol.next(pending('t1', { deltaSats: 1_500, firstSeenAt: '2026-01-01T00:05:00.000Z' })),
    ]);
    await s.waitForVersion('user:carol', 5);
    expect(await balance(s, 'carol')).toEqual({ confirmed_sats: 0, pending_sats: 1_500, tx_count: 0 });
    expect(await activities(s, 'carol')).toMatchObject([
      { status: 'pending', block_height: null, first_seen_at: new Date(SEEN) },
    ]);

    await s.send([
      chain.next(blockConnected('b1', 1, 'g')),
      chain.next(blockConnected('b2', 2, 'b1')),
      carol.next(confirmed('t1', 'b2', 2, { deltaSats: 1_500 })),
    ]);
    await s.waitForVersion('user:carol', 6);
    expect(await balance(s, 'carol')).toEqual({ confirmed_sats: 1_500, pending_sats: 0, tx_count: 1 });
    expect((await changes(s, 'carol')).map((c) => [c.version, c.status, c.block_height])).toEqual([
      [2, 'pending', null],
      [3, 'confirmed', 1],
      [4, 'reverted', 1],
      [5, 'pending', null],
      [6, 'confirmed', 2],
    ]);
  });

  it('keeps a mined reward as coinbase, findable by the immature-coinbase index', async () => {
    const s = await bed.scenario('coinbase');
    const miner = userEvents('miner');
    const chain = chainEvents();
    await s.start();
    await s.send([
      ...Array.from({ length: 3 }, (_, i) => chain.next(blockConnected(`m${i}`, i, `m${i - 1}`))),
      miner.next(registered('miner')),
      miner.next(confirmed('cb0', 'm0', 0, { deltaSats: 5_000_000_000, coinbase: true })),
      miner.next(confirmed('cb1', 'm1', 1, { deltaSats: 5_000_000_000, coinbase: true })),
      miner.next(confirmed('pay', 'm2', 2, { deltaSats: 1_000 })),
      miner.next(reverted('cb1', 'm1', 1, -5_000_000_000)),
    ]);
    await s.waitForVersion('user:miner', 5);
    expect(await balance(s, 'miner')).toEqual({
      confirmed_sats: 5_000_001_000,
      pending_sats: 0,
      tx_count: 2,
    });
    expect((await activities(s, 'miner')).map((a) => [a.txid, a.status, a.coinbase])).toEqual([
      [hex('pay'), 'confirmed', false],
      [hex('cb1'), 'reverted', true],
      [hex('cb0'), 'confirmed', true],
    ]);
    // What the BFF's immature sum reads: confirmed coinbase rows by height, through the partial index.
    const t = projectionTables(s.schema);
    await bed.views.query(`ANALYZE ${t.activities}`);
    const sql = `SELECT coalesce(sum(amount_sats), 0)::int8 AS immature FROM ${t.activities}
                 WHERE user_id = 'miner' AND coinbase AND status = 'confirmed' AND block_height > $1`;
    const client = await bed.views.connect();
    try {
      await client.query('SET enable_seqscan = off'); // a tiny table: ask whether the index can serve it
      const plan = await client.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${sql}`, [-99]);
      expect(plan.rows.map((r) => r['QUERY PLAN']).join('\n')).toMatch(/activities_coinbase_idx/);
      expect((await client.query(sql, [-99])).rows[0]).toEqual({ immature: 5_000_000_000 });
    } finally {
      client.release();
    }
  });
});
