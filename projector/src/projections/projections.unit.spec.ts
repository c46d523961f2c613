import { describe, expect, it } from 'vitest';
import { createLogger } from '#shared/logging/logger.js';
import {
  blockConnected,
  blockDisconnected,
  chainEvents,
  confirmed,
  hex,
  reverted,
  userEvents,
} from '../testing/events.js';
import { projectActivities } from './activities.js';
import { activityType } from './nextActivity.js';
import { projectBalances } from './balances.js';
import { projectChainTip } from './chainTip.js';

const log = createLogger('unit', 'silent');

describe('activityType', () => {
  it.each([
    // a plain receive, with others' outputs beside it
    [{ deltaSats: 500, receivedSats: 500, sentSats: 0, paidToOthersSats: 9_000 }, 'receive'],
    // spent and gained: a collaborative transaction that netted positive
    [{ deltaSats: 200, receivedSats: 1_200, sentSats: 1_000, paidToOthersSats: 800 }, 'receive'],
    // a payment without change
    [{ deltaSats: -1_000, receivedSats: 0, sentSats: 1_000, paidToOthersSats: 900 }, 'withdrawal'],
    // a payment with change back: still a send
    [{ deltaSats: -300, receivedSats: 700, sentSats: 1_000, paidToOthersSats: 200 }, 'withdrawal'],
    // every output back to the user's own addresses: a self-transfer costing the fee
    [{ deltaSats: -100, receivedSats: 900, sentSats: 1_000, paidToOthersSats: 0 }, 'self'],
  ])('%o → %s', (amounts, type) => {
    expect(activityType(amounts)).toBe(type);
  });
});

describe('projectActivities + projectBalances', () => {
  it('a revert undoes the stored amount, whatever sign the revert carries', () => {
    const alice = userEvents('alice');
    const events = [
      alice.next(confirmed('t1', 'b1', 1, { deltaSats: 700 })),
      alice.next(reverted('t1', 'b1', 1, -700)),
      alice.next(confirmed('t1', 'b2', 2, { deltaSats: 700 })),
      alice.next(reverted('t1', 'b2', 2, 700)),
    ];
    const result = projectActivities(events, new Map(), log);
    expect(result.activities).toMatchObject([{ status: 'reverted', amountSats: 700, blockHash: null }]);
    expect(result.changes.map((c) => [c.version, c.status, c.blockHash])).toEqual([
      [1, 'confirmed', hex('b1')],
      [2, 'reverted', hex('b1')],
      [3, 'confirmed', hex('b2')],
      [4, 'reverted', hex('b2')],
    ]);
    expect(projectBalances(events, result.effects)).toEqual([
      {
        userId: 'alice',
        confirmedSats: 0,
        pendingSats: 0,
        txCount: 0,
        version: 4,
        updatedAt: events[3]!.occurredAt,
      },
    ]);
  });

  it('ignores a revert of a block the transaction is not counted in', () => {
    const bob = userEvents('bob');
    const events = [
      bob.next(confirmed('t1', 'b1', 1, { deltaSats: 50 })),
      bob.next(reverted('t1', 'other', 1, -50)),
    ];
    const result = projectActivities(events, new Map(), log);
    expect(result.effects).toEqual([{ userId: 'bob', confirmedSats: 50, pendingSats: 0, txCount: 1 }]);
    expect(result.activities).toMatchObject([{ status: 'confirmed', blockHash: hex('b1') }]);
  });

  it('never counts a transaction twice when it is confirmed again without a revert', () => {
    const carol = userEvents('carol');
    const events = [
      carol.next(confirmed('t1', 'b1', 1, { deltaSats: 50 })),
      carol.next(confirmed('t1', 'b2', 2, { deltaSats: 50 })),
    ];
    const result = projectActivities(events, new Map(), log);
    expect(result.effects).toEqual([{ userId: 'carol', confirmedSats: 50, pendingSats: 0, txCount: 1 }]);
    expect(result.activities).toMatchObject([{ blockHash: hex('b2'), firstSeenAt: events[0]!.occurredAt }]);
  });
});

describe('projectChainTip', () => {
  it('folds a reorg inside one batch into the last word per height', () => {
    const chain = chainEvents();
    const writes = projectChainTip([
      chain.next(blockConnected('a1', 1, 'g')),
      chain.next(blockConnected('a2', 2, 'a1')),
      chain.next(blockDisconnected('a2', 2)),
      chain.next(blockDisconnected('a1', 1)),
      chain.next(blockConnected('b1', 1, 'g')),
    ]);
    expect(writes.connected).toEqual([
      { height: 1, hash: hex('b1'), prevHash: hex('g'), time: 1_700_000_001 },
    ]);
    expect(writes.disconnected).toEqual([{ height: 2, hash: hex('a2') }]);
  });
});
