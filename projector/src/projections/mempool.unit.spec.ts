import { describe, expect, it } from 'vitest';
import { createLogger } from '#shared/logging/logger.js';
import { orderStream } from '#shared/events/streams.js';
import {
  confirmed,
  dropped,
  hex,
  pending,
  reverted,
  streamOf,
  userEvents,
  uuidOf,
} from '../testing/events.js';
import { projectActivities } from './activities.js';
import { projectBalances } from './balances.js';

const log = createLogger('unit', 'silent');
const SEEN = '2025-12-31T23:59:00.000Z';

function fold(events: Parameters<typeof projectActivities>[0]) {
  const result = projectActivities(events, new Map(), log);
  const [balance] = projectBalances(events, result.effects);
  return { ...result, balance };
}

describe('mempool events in the activities and balances fold', () => {
  it('pending, then mined: the pending amount moves to confirmed, first seen stays the mempool time', () => {
    const alice = userEvents('alice');
    const p = alice.next(
      pending('t1', {
        deltaSats: -3_000,
        receivedSats: 1_000,
        sentSats: 4_000,
        paidToOthersSats: 2_800,
        firstSeenAt: SEEN,
        replaceable: true,
      }),
    );
    const afterPending = fold([p]);
    expect(afterPending.activities).toEqual([
      {
        userId: 'alice',
        activityId: hex('t1'),
        txid: hex('t1'),
        type: 'withdrawal',
        amountSats: -3_000,
        status: 'pending',
        blockHash: null,
        blockHeight: null,
        dropReason: null,
        replacedBy: null,
        coinbase: false,
        replaceable: true,
        firstSeenAt: SEEN,
        updatedAt: p.occurredAt,
        order: null,
      },
    ]);
    expect(afterPending.balance).toMatchObject({ confirmedSats: 0, pendingSats: -3_000, txCount: 0 });

    const c = alice.next(
      confirmed('t1', 'b5', 5, {
        deltaSats: -3_000,
        receivedSats: 1_000,
        sentSats: 4_000,
        paidToOthersSats: 2_800,
      }),
    );
    const mined = fold([p, c]);
    expect(mined.activities).toMatchObject([
      { status: 'confirmed', blockHash: hex('b5'), blockHeight: 5, replaceable: true, firstSeenAt: SEEN },
    ]);
    expect(mined.balance).toMatchObject({ confirmedSats: -3_000, pendingSats: 0, txCount: 1 });
    expect(mined.changes.map((ch) => [ch.status, ch.blockHash, ch.blockHeight])).toEqual([
      ['pending', null, null],
      ['confirmed', hex('b5'), 5],
    ]);
  });

  it('pending, then replaced by another txid: the pending amount is gone, the replacement is a new row', () => {
    const bob = userEvents('bob');
    const events = [
      bob.next(pending('t1', { deltaSats: 5_000, firstSeenAt: SEEN, replaceable: true })),
      bob.next(dropped('t1', 'replaced', 't1b')),
      bob.next(pending('t1b', { deltaSats: 4_900, firstSeenAt: SEEN })),
    ];
    const { activities, balance, changes } = fold(events);
    expect(activities).toMatchObject([
      {
        txid: hex('t1'),
        status: 'replaced',
        dropReason: 'replaced',
        replacedBy: hex('t1b'),
        amountSats: 5_000,
      },
      { txid: hex('t1b'), status: 'pending', dropReason: null, replacedBy: null, replaceable: false },
    ]);
    expect(balance).toMatchObject({ confirmedSats: 0, pendingSats: 4_900 });
    expect(changes[1]).toMatchObject({ status: 'replaced', dropReason: 'replaced', replacedBy: hex('t1b') });
  });

  it.each(['conflict', 'evicted'] as const)(
    'a drop for %s makes the row dropped, keeping the reason',
    (reason) => {
      const carol = userEvents('carol');
      const { activities, balance } = fold([
        carol.next(pending('t1', { deltaSats: 700 })),
        carol.next(dropped('t1', reason)),
      ]);
      expect(activities).toMatchObject([{ status: 'dropped', dropReason: reason, replacedBy: null }]);
      expect(balance).toMatchObject({ pendingSats: 0, confirmedSats: 0 });
    },
  );

  it('a reorg: confirmed, reverted, pending again, then mined in another block', () => {
    const dan = userEvents('dan');
    const events = [
      dan.next(confirmed('t1', 'b7', 7, { deltaSats: 900 })),
      dan.next(reverted('t1', 'b7', 7, -900)),
      dan.next(pending('t1', { deltaSats: 900, firstSeenAt: SEEN })),
    ];
    const back = fold(events);
    expect(back.activities).toMatchObject([{ status: 'pending', blockHash: null, firstSeenAt: SEEN }]);
    expect(back.balance).toMatchObject({ confirmedSats: 0, pendingSats: 900, txCount: 0 });

    const again = fold([...events, dan.next(confirmed('t1', 'b8x', 8, { deltaSats: 900 }))]);
    expect(again.activities).toMatchObject([
      { status: 'confirmed', blockHash: hex('b8x'), firstSeenAt: SEEN },
    ]);
    expect(again.balance).toMatchObject({ confirmedSats: 900, pendingSats: 0, txCount: 1 });
    expect(again.changes.map((c) => c.status)).toEqual(['confirmed', 'reverted', 'pending', 'confirmed']);
  });

  it('keeps the earlier first-seen time: the confirmation time when the mempool saw it later', () => {
    const erin = userEvents('erin');
    const c = erin.next(confirmed('t1', 'b1', 1, { deltaSats: 10 }));
    const events = [
      c,
      erin.next(reverted('t1', 'b1', 1, -10)),
      erin.next(pending('t1', { deltaSats: 10, firstSeenAt: '2027-01-01T00:00:00Z' })),
    ];
    expect(fold(events).activities).toMatchObject([{ status: 'pending', firstSeenAt: c.occurredAt }]);
  });

  it('keeps the coinbase flag of a mined reward, through its revert', () => {
    const miner = userEvents('miner');
    const c = miner.next(confirmed('cb', 'b3', 3, { deltaSats: 5_000_000_000, coinbase: true }));
    expect(fold([c]).activities).toMatchObject([{ coinbase: true, replaceable: null, type: 'receive' }]);
    expect(fold([c, miner.next(reverted('cb', 'b3', 3, -5_000_000_000))]).activities).toMatchObject([
      { coinbase: true, status: 'reverted' },
    ]);
  });

  it('restated while pending (an address joined): the pending amount moves by the difference, then confirms whole', () => {
    const gil = userEvents('gil');
    const events = [
      gil.next(
        pending('t1', { deltaSats: -50_000, sentSats: 50_000, paidToOthersSats: 49_000, firstSeenAt: SEEN }),
      ),
      // The change came back to an address of gil's that joined after: the same payment, whole.
      gil.next(
        pending('t1', {
          deltaSats: -21_000,
          receivedSats: 29_000,
          sentSats: 50_000,
          paidToOthersSats: 20_000,
          firstSeenAt: '2026-01-01T00:00:05.000Z',
        }),
      ),
    ];
    const whilePending = fold(events);
    expect(whilePending.activities).toMatchObject([
      { txid: hex('t1'), status: 'pending', amountSats: -21_000, type: 'withdrawal', firstSeenAt: SEEN },
    ]);
    expect(whilePending.balance).toMatchObject({ confirmedSats: 0, pendingSats: -21_000, txCount: 0 });
    expect(whilePending.changes.map((c) => c.version)).toEqual([1, 2]);

    const mined = fold([...events, gil.next(confirmed('t1', 'b1', 1, { deltaSats: -21_000 }))]);
    expect(mined.activities).toMatchObject([{ txid: hex('t1'), status: 'confirmed', amountSats: -21_000 }]);
    expect(mined.balance).toMatchObject({ confirmedSats: -21_000, pendingSats: 0, txCount: 1 });
  });

  it('restated, then dropped: the drop takes back the restated amount', () => {
    const hal = userEvents('hal');
    const events = [
      hal.next(pending('t1', { deltaSats: -50_000, firstSeenAt: SEEN })),
      hal.next(
        pending('t1', { deltaSats: -20_000, sentSats: 50_000, receivedSats: 30_000, firstSeenAt: SEEN }),
      ),
      hal.next(dropped('t1', 'replaced', 't2')),
    ];
    const { activities, balance, changes } = fold(events);
    expect(activities).toMatchObject([
      { txid: hex('t1'), status: 'replaced', amountSats: -20_000, replacedBy: hex('t2') },
    ]);
    expect(balance).toMatchObject({ confirmedSats: 0, pendingSats: 0, txCount: 0 });
    expect(changes.map((c) => [c.status, c.amountSats])).toEqual([
      ['pending', -50_000],
      ['pending', -20_000],
      ['replaced', -20_000],
    ]);
  });

  it('restated, mined, reverted, pending again: every step undoes exactly what the one before counted', () => {
    const ida = userEvents('ida');
    const restated = [
      ida.next(pending('t1', { deltaSats: 10_000, firstSeenAt: SEEN })),
      ida.next(pending('t1', { deltaSats: 25_000, firstSeenAt: SEEN })),
    ];
    const mined = [...restated, ida.next(confirmed('t1', 'b1', 1, { deltaSats: 25_000 }))];
    expect(fold(mined).balance).toMatchObject({ confirmedSats: 25_000, pendingSats: 0, txCount: 1 });
    // The revert's own figure is not the one counted: the stored amount is undone.
    const reorged = [...mined, ida.next(reverted('t1', 'b1', 1, 10_000))];
    expect(fold(reorged).balance).toMatchObject({ confirmedSats: 0, pendingSats: 0, txCount: 0 });
    expect(fold(reorged).activities).toMatchObject([{ status: 'reverted', amountSats: 25_000 }]);
    const back = fold([...reorged, ida.next(pending('t1', { deltaSats: 25_000, firstSeenAt: SEEN }))]);
    expect(back.activities).toMatchObject([{ status: 'pending', amountSats: 25_000, firstSeenAt: SEEN }]);
    expect(back.balance).toMatchObject({ confirmedSats: 0, pendingSats: 25_000, txCount: 0 });
  });

  it("restated over an order's settlement: the order row keeps its amount, its settlement and the pending amount move", () => {
    const jo = userEvents('jo');
    const orderId = uuidOf('jo-sell');
    const order = streamOf(orderStream(orderId));
    const settle = hex('settle');
    const events = [
      order.next({
        type: 'OrderPlaced',
        payload: { orderId, userId: 'jo', side: 'sell', amountSats: 40_000, limitPriceEurCents: null },
      }),
      order.next({
        type: 'OrderFilled',
        payload: {
          orderId,
          userId: 'jo',
          side: 'sell',
          amountSats: 40_000,
          priceEurCents: 5_000_000,
          eurCents: 2_000,
        },
      }),
      order.next({ type: 'SettlementBroadcast', payload: { orderId, userId: 'jo', txid: settle } }),
      // Seen first without the change address, then restated once it joined.
      jo.next(pending('settle', { deltaSats: -60_000, sentSats: 60_000, paidToOthersSats: 59_500 })),
      jo.next(
        pending('settle', {
          deltaSats: -40_500,
          sentSats: 60_000,
          receivedSats: 19_500,
          paidToOthersSats: 40_000,
        }),
      ),
    ];
    const whilePending = fold(events);
    expect(whilePending.activities).toMatchObject([
      {
        activityId: `order:${orderId}`,
        type: 'sell',
        amountSats: -40_000,
        txid: settle,
        status: 'pending',
        order: { settlementDeltaSats: -40_500 },
      },
    ]);
    expect(whilePending.balance).toMatchObject({ confirmedSats: 0, pendingSats: -40_500 });

    const mined = fold([...events, jo.next(confirmed('settle', 'b1', 1, { deltaSats: -40_500 }))]);
    expect(mined.activities).toMatchObject([
      { activityId: `order:${orderId}`, status: 'confirmed', order: { settlementDeltaSats: -40_500 } },
    ]);
    expect(mined.balance).toMatchObject({ confirmedSats: -40_500, pendingSats: 0, txCount: 1 });
  });

  it('ignores events that do not fit the row: no money invented or counted twice', () => {
    const fay = userEvents('fay');
    const events = [
      fay.next(dropped('t0', 'evicted')), // no row at all
      fay.next(confirmed('t1', 'b1', 1, { deltaSats: 100 })),
      fay.next(dropped('t1', 'conflict')), // confirmed: its block counts it
      fay.next(pending('t1', { deltaSats: 100 })), // confirmed
      fay.next(pending('t2', { deltaSats: 40 })),
      fay.next(pending('t2', { deltaSats: 40 })), // pending already
      fay.next(reverted('t2', 'b1', 1, -40)), // never confirmed
      fay.next(dropped('t2', 'evicted')),
      fay.next(dropped('t2', 'evicted')), // dropped already
    ];
    const { activities, balance, changes } = fold(events);
    expect(activities).toMatchObject([
      { txid: hex('t1'), status: 'confirmed' },
      { txid: hex('t2'), status: 'dropped', dropReason: 'evicted' },
    ]);
    expect(balance).toMatchObject({ confirmedSats: 100, pendingSats: 0, txCount: 1, version: 9 });
    expect(changes.map((c) => c.version)).toEqual([2, 5, 8]);
  });
});
