import type { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RecordedEvent } from '#shared/events/types.js';
import { waitFor } from '#shared/testing/waitFor.js';
import type { ProjectorMetrics } from './metrics.js';
import { projectionTables } from '#shared/views/projectionTables.js';
import {
  blockConnected,
  blockDisconnected,
  chainEvents,
  confirmed,
  hex,
  reverted,
  userEvents,
} from './testing/events.js';
import { createProjectorTestbed, type ProjectorTestbed } from './testing/projectorHarness.js';

const registered = (userId: string) => ({ type: 'UserRegistered' as const, payload: { userId } });

async function outcomeCount(metrics: ProjectorMetrics, outcome: string): Promise<number> {
  const { values } = await metrics.events.get();
  return values.filter((v) => v.labels.outcome === outcome).reduce((sum, v) => sum + v.value, 0);
}

async function gauge(registry: Registry, name: string): Promise<number | undefined> {
  const metric = registry.getSingleMetric(name);
  return (await metric?.get())?.values[0]?.value;
}

describe('projector (real Kafka and PostgreSQL)', () => {
  let bed: ProjectorTestbed;
  beforeAll(async () => {
    bed = await createProjectorTestbed('projector');
  });
  afterAll(() => bed.close());

  it('skips duplicates: a re-delivered event changes nothing', async () => {
    const s = await bed.scenario('duplicates');
    const alice = userEvents('alice');
    const e1 = alice.next(registered('alice'));
    const e2 = alice.next(confirmed('t1', 'b1', 1, { deltaSats: 5_000 }));
    const e3 = alice.next(
      confirmed('t2', 'b2', 2, { deltaSats: -1_000, receivedSats: 500, sentSats: 1_500 }),
    );
    await s.send([e1, e2, e2, e1, e3]);
    const { metrics } = await s.start();
    await s.waitForVersion('user:alice', 3);
    await s.send([e2, e3, e1]);
    await waitFor(
      () => outcomeCount(metrics, 'duplicate'),
      (n) => n === 5,
      { what: 'five duplicates' },
    );

    expect(await s.balance('alice')).toEqual({ confirmed_sats: 4_000, tx_count: 2, version: 3 });
    expect(await s.activities('alice')).toEqual([
      {
        txid: hex('t2'),
        type: 'withdrawal',
        amount_sats: -1_000,
        status: 'confirmed',
        block_hash: hex('b2'),
        block_height: 2,
      },
      {
        txid: hex('t1'),
        type: 'receive',
        amount_sats: 5_000,
        status: 'confirmed',
        block_hash: hex('b1'),
        block_height: 1,
      },
    ]);
    expect(await outcomeCount(metrics, 'applied')).toBe(3);
  });

  it('applies v3 delivered before v2 in one batch, in version order', async () => {
    const s = await bed.scenario('reordered');
    const bob = userEvents('bob');
    const [e1, e2, e3] = [
      bob.next(registered('bob')),
      bob.next(confirmed('t1', 'b1', 1, { deltaSats: 700 })),
      bob.next(confirmed('t2', 'b2', 2, { deltaSats: -200, receivedSats: 0, sentSats: 200 })),
    ];
    await s.send([e1, e3, e2]);
    await s.start();
    await s.waitForVersion('user:bob', 3);
    expect(await s.balance('bob')).toEqual({ confirmed_sats: 500, tx_count: 2, version: 3 });
    expect((await s.activities('bob')).map((a) => a.type)).toEqual(['withdrawal', 'receive']);
    expect((await s.status()).parkedEvents).toBe(0);
  });

  it('parks events behind a gap that fills later, then applies them', async () => {
    const s = await bed.scenario('gap-fills');
    const carol = userEvents('carol');
    const [e1, e2, e3, e4] = [
      carol.next(registered('carol')),
      carol.next(confirmed('t1', 'b1', 1, { deltaSats: 1_000 })),
      carol.next(confirmed('t2', 'b2', 2, { deltaSats: 2_000 })),
      carol.next(confirmed('t3', 'b3', 3, { deltaSats: 3_000 })),
    ];
    await s.send([e1, e3, e4]);
    const { metrics } = await s.start();
    const status = await waitFor(
      () => s.status(),
      (st) => st.parkedEvents === 2,
      { what: 'two parked' },
    );
    expect(status.openGaps).toMatchObject([
      {
        stream: 'user:carol',
        appliedVersion: 1,
        firstMissingVersion: 2,
        firstParkedVersion: 3,
        parkedCount: 2,
      },
    ]);
    expect(await s.balance('carol')).toMatchObject({ confirmed_sats: 0, version: 1 });

    await s.send([e2]);
    await s.waitForVersion('user:carol', 4);
    expect(await s.balance('carol')).toEqual({ confirmed_sats: 6_000, tx_count: 3, version: 4 });
    expect(await s.status()).toMatchObject({ parkedEvents: 0, openGaps: [] });
    expect(await outcomeCount(metrics, 'parked')).toBe(2);
  });

  it('shows a gap that never fills in status and metrics, and other streams go on', async () => {
    const s = await bed.scenario('gap-open');
    const dan = userEvents('dan');
    const eve = userEvents('eve');
    const d1 = dan.next(registered('dan'));
    dan.next(confirmed('lost', 'b1', 1, { deltaSats: 1 })); // version 2 is never published
    const d3 = dan.next(confirmed('t3', 'b3', 3, { deltaSats: 3 }));
    const eves = [eve.next(registered('eve')), eve.next(confirmed('t1', 'b1', 1, { deltaSats: 9 }))];
    await s.send([d1, d3, ...eves]);
    const { registry } = await s.start();
    await s.waitForVersion('user:eve', 2);
    const status = await waitFor(
      () => s.status(),
      (st) => st.openGaps.length === 1,
      { what: 'an open gap' },
    );
    expect(status.openGaps[0]).toMatchObject({
      stream: 'user:dan',
      appliedVersion: 1,
      firstMissingVersion: 2,
      firstParkedVersion: 3,
    });
    expect(status.parkedEvents).toBe(1);
    expect(await gauge(registry, 'forkline_projector_open_gaps')).toBe(1);
    expect(await gauge(registry, 'forkline_projector_parked_events')).toBe(1);
    expect(await s.balance('eve')).toMatchObject({ confirmed_sats: 9, version: 2 });
  });

  it('reverts a transaction and confirms it again in another block, keeping its history', async () => {
    const s = await bed.scenario('remined');
    const alice = userEvents('alice');
    const chain = chainEvents();
    await s.start();

    await s.send([
      chain.next(blockConnected('b100', 100, 'b99')),
      chain.next(blockConnected('b101', 101, 'b100')),
      alice.next(registered('alice')),
      alice.next(confirmed('t1', 'b101', 101, { deltaSats: 5_000 })),
    ]);
    await s.waitForVersion('user:alice', 2);
    await s.waitForVersion('chain', 2);

    // The block leaves the main chain: the balance returns to 0, the activity stays.
    await s.send([
      chain.next(blockDisconnected('b101', 101)),
      alice.next(reverted('t1', 'b101', 101, -5_000)),
    ]);
    await s.waitForVersion('user:alice', 3);
    await s.waitForVersion('chain', 3);
    expect(await s.balance('alice')).toEqual({ confirmed_sats: 0, tx_count: 0, version: 3 });
    expect(await s.activities('alice')).toMatchObject([
      { status: 'reverted', block_hash: null, amount_sats: 5_000 },
    ]);
    expect((await s.status()).tip).toEqual({ height: 100, hash: hex('b100') });

    // Re-mined one block later on the new branch.
    await s.send([
      chain.next(blockConnected('b101x', 101, 'b100')),
      chain.next(blockConnected('b102x', 102, 'b101x')),
      alice.next(confirmed('t1', 'b102x', 102, { deltaSats: 5_000 })),
    ]);
    await s.waitForVersion('user:alice', 4);
    await s.waitForVersion('chain', 5);
    expect(await s.balance('alice')).toEqual({ confirmed_sats: 5_000, tx_count: 1, version: 4 });
    expect(await s.activities('alice')).toEqual([
      {
        txid: hex('t1'),
        type: 'receive',
        amount_sats: 5_000,
        status: 'confirmed',
        block_hash: hex('b102x'),
        block_height: 102,
      },
    ]);
    expect((await s.status()).tip).toEqual({ height: 102, hash: hex('b102x') });
    const t = projectionTables(s.schema);
    const { rows } = await bed.views.query(
      `SELECT version, status, block_hash, block_height FROM ${t.activityChanges} WHERE user_id = 'alice' ORDER BY version`,
    );
    expect(rows).toEqual([
      { version: 2, status: 'confirmed', block_hash: hex('b101'), block_height: 101 },
      { version: 3, status: 'reverted', block_hash: hex('b101'), block_height: 101 },
      { version: 4, status: 'confirmed', block_hash: hex('b102x'), block_height: 102 },
    ]);
  });

  it('folds confirm, revert and re-confirm inside one batch to the same result', async () => {
    const s = await bed.scenario('remined-one-batch');
    const bob = userEvents('bob');
    const chain = chainEvents();
    await s.send([
      chain.next(blockConnected('b1', 1, 'b0')),
      chain.next(blockConnected('b2', 2, 'b1')),
      chain.next(blockDisconnected('b2', 2)),
      chain.next(blockDisconnected('b1', 1)),
      chain.next(blockConnected('b1y', 1, 'b0')),
      chain.next(blockConnected('b2y', 2, 'b1y')),
      bob.next(registered('bob')),
      bob.next(confirmed('t1', 'b2', 2, { deltaSats: 800 })),
      bob.next(reverted('t1', 'b2', 2, -800)),
      bob.next(confirmed('t1', 'b2y', 2, { deltaSats: 800 })),
    ]);
    await s.start();
    await s.waitForVersion('user:bob', 4);
    await s.waitForVersion('chain', 6);
    expect(await s.balance('bob')).toEqual({ confirmed_sats: 800, tx_count: 1, version: 4 });
    expect(await s.activities('bob')).toMatchObject([{ status: 'confirmed', block_hash: hex('b2y') }]);
    const t = projectionTables(s.schema);
    const { rows } = await bed.views.query(`SELECT height, hash FROM ${t.chainBlocks} ORDER BY height`);
    expect(rows).toEqual([
      { height: 1, hash: hex('b1y') },
      { height: 2, hash: hex('b2y') },
    ]);
  });

  it('handles a double-spend reorg: the replaced payment is reverted, its conflict confirmed', async () => {
    const s = await bed.scenario('double-spend');
    const [alice, bob, carol] = [userEvents('alice'), userEvents('bob'), userEvents('carol')];
    const chain = chainEvents();
    await s.start();
    // alice is funded, then pays bob with s1 (all of her coin) in block B2.
    await s.send([
      chain.next(blockConnected('B1', 1, 'B0')),
      chain.next(blockConnected('B2', 2, 'B1')),
      alice.next(registered('alice')),
      alice.next(confirmed('f1', 'B1', 1, { deltaSats: 10_000 })),
      alice.next(confirmed('s1', 'B2', 2, { deltaSats: -10_000, receivedSats: 0, sentSats: 10_000 })),
      bob.next(registered('bob')),
      bob.next(confirmed('s1', 'B2', 2, { deltaSats: 9_800 })),
      carol.next(registered('carol')),
    ]);
    await s.waitForVersion('user:alice', 3);
    await s.waitForVersion('user:bob', 2);
    expect(await s.balance('bob')).toMatchObject({ confirmed_sats: 9_800 });

    // Reorg: B2 is replaced by B2' holding s2, which spends the same coin to carol.
    await s.send([
      chain.next(blockDisconnected('B2', 2)),
      alice.next(reverted('s1', 'B2', 2, 10_000)),
      bob.next(reverted('s1', 'B2', 2, -9_800)),
      chain.next(blockConnected("B2'", 2, 'B1')),
      alice.next(confirmed('s2', "B2'", 2, { deltaSats: -10_000, receivedSats: 0, sentSats: 10_000 })),
      carol.next(confirmed('s2', "B2'", 2, { deltaSats: 9_900 })),
    ]);
    await s.waitForVersion('user:alice', 5);
    await s.waitForVersion('user:bob', 3);
    await s.waitForVersion('user:carol', 2);
    await s.waitForVersion('chain', 4);

    expect(await s.balance('alice')).toEqual({ confirmed_sats: 0, tx_count: 2, version: 5 });
    expect(await s.balance('bob')).toEqual({ confirmed_sats: 0, tx_count: 0, version: 3 });
    expect(await s.balance('carol')).toEqual({ confirmed_sats: 9_900, tx_count: 1, version: 2 });
    expect((await s.activities('alice')).map((a) => [a.txid, a.type, a.status])).toEqual([
      [hex('s2'), 'withdrawal', 'confirmed'],
      [hex('s1'), 'withdrawal', 'reverted'],
      [hex('f1'), 'receive', 'confirmed'],
    ]);
    expect(await s.activities('bob')).toMatchObject([{ txid: hex('s1'), status: 'reverted' }]);
    expect((await s.status()).tip).toEqual({ height: 2, hash: hex("B2'") });
  });

  it('dead-letters poison events with their reason; their streams stop, others go on', async () => {
    const s = await bed.scenario('poison');
    const [bob, carol] = [userEvents('bob'), userEvents('carol')];
    const b1 = bob.next(registered('bob'));
    const b2 = bob.next(confirmed('t1', 'b1', 1, { deltaSats: 100 }));
    const b3 = bob.next(confirmed('t2', 'b2', 2, { deltaSats: 200 }));
    const bad = { ...b2, payload: { ...b2.payload, txid: 'not-a-txid' } };
    const unknown = { ...userEvents('dave').next(registered('dave')), type: 'TxTeleported' };
    await s.send([
      b1,
      { key: b2.stream, value: JSON.stringify(bad) },
      b3,
      { key: unknown.stream, value: JSON.stringify(unknown) },
      { key: 'user:erin', value: '{"truncated' },
      carol.next(registered('carol')),
      carol.next(confirmed('t9', 'b9', 9, { deltaSats: 900 })),
    ]);
    const { metrics } = await s.start();
    await s.waitForVersion('user:carol', 2);
    const status = await waitFor(
      () => s.status(),
      (st) => st.deadLetters === 3 && st.parkedEvents === 1,
      {
        what: 'three dead letters and bob parked',
      },
    );
    expect(await s.balance('carol')).toMatchObject({ confirmed_sats: 900, version: 2 });
    expect(await s.balance('bob')).toMatchObject({ confirmed_sats: 0, version: 1 });
    expect(status.stoppedStreams).toEqual([
      {
        stream: 'user:bob',
        appliedVersion: 1,
        deadLetterVersion: 2,
        reason: expect.stringMatching(/invalid TxConfirmed payload: txid/) as string,
      },
      {
        stream: 'user:dave',
        appliedVersion: 0,
        deadLetterVersion: 1,
        reason: 'unknown event type "TxTeleported"',
      },
      {
        stream: 'user:erin',
        appliedVersion: 0,
        deadLetterVersion: null,
        reason: expect.stringMatching(/^invalid JSON/) as string,
      },
    ]);
    expect(status.openGaps).toMatchObject([
      { stream: 'user:bob', firstMissingVersion: 2, firstParkedVersion: 3 },
    ]);
    expect(await outcomeCount(metrics, 'dead_lettered')).toBe(3);

    // Another group replaying the topic into the same tables records nothing twice.
    const replay = await s.start({ groupId: `${s.groupId}-replay` });
    await waitFor(
      () => outcomeCount(replay.metrics, 'duplicate'),
      (n) => n === 4,
      { what: 'replay seen' },
    );
    expect(await s.status()).toMatchObject({ deadLetters: 3, parkedEvents: 1 });
  });

  it('a rebalance mid-stream loses and doubles nothing', async () => {
    const s = await bed.scenario('rebalance');
    const users = Array.from({ length: 40 }, (_, i) => `u${i}`);
    const expected = new Map<string, number>();
    const events = users.flatMap((u) => {
      const stream = userEvents(u);
      const list: RecordedEvent[] = [stream.next(registered(u))];
      for (let i = 1; i <= 25; i++) {
        const delta = i % 5 === 0 ? -i : i * 10;
        list.push(stream.next(confirmed(`${u}-t${i}`, `b${i}`, i, { deltaSats: delta })));
        expected.set(u, (expected.get(u) ?? 0) + delta);
      }
      return list;
    });
    const first = await s.start({ maxEventsPerTransaction: 7 });
    for (let i = 0; i < events.length; i += 100) await s.send(events.slice(i, i + 100));
    await waitFor(
      () => outcomeCount(first.metrics, 'applied'),
      (n) => n > 50,
      { what: 'first member busy' },
    );
    const second = await s.start({ maxEventsPerTransaction: 7 });
    await first.projector.close(); // its partitions move to the second member
    for (const u of users) await s.waitForVersion(`user:${u}`, 26);
    for (const u of users)
      expect(await s.balance(u)).toEqual({ confirmed_sats: expected.get(u), tx_count: 25, version: 26 });
    const t = projectionTables(s.schema);
    const { rows } = await bed.views.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM ${t.activityChanges}`,
    );
    expect(rows[0]!.n).toBe(40 * 25);
    expect(
      (await outcomeCount(first.metrics, 'applied')) + (await outcomeCount(second.metrics, 'applied')),
    ).toBe(events.length);
  });
});
