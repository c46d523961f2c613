import { describe, expect, it } from 'vitest';
import type { Activity } from '../api/types.js';
import { appendPage, mergeActivities, withTip } from './mergeActivities.js';

const item = (over: Partial<Activity>): Activity => ({
  type: 'receive',
  status: 'pending',
  amountSats: 1,
  txid: null,
  blockHeight: null,
  blockHash: null,
  confirmations: null,
  replacedBy: null,
  dropReason: null,
  replaceable: null,
  firstSeenAt: '2026-01-01T00:00:00.000Z',
  orderId: null,
  limitPriceEurCents: null,
  priceEurCents: null,
  eurCents: null,
  rejectReason: null,
  settlement: null,
  ...over,
});
const ids = (list: Activity[]) => list.map((a) => `${a.orderId ?? a.txid}:${a.status}`);

describe('live changes in the activity list', () => {
  const shown = [item({ txid: 't2' }), item({ txid: 't1', status: 'confirmed' })];

  it('replaces a changed transaction in place and puts a new one on top', () => {
    const merged = mergeActivities(shown, [item({ txid: 't3' }), item({ txid: 't1', status: 'reverted' })]);
    expect(ids(merged)).toEqual(['t3:pending', 't2:pending', 't1:reverted']);
  });

  it('matches orders by orderId, whatever their txid becomes', () => {
    const withBid = [item({ orderId: 'o1', type: 'bid', status: 'open' }), ...shown];
    const filled = item({ orderId: 'o1', type: 'buy', status: 'settling', txid: null });
    expect(ids(mergeActivities(withBid, [filled]))).toEqual(['o1:settling', 't2:pending', 't1:confirmed']);
  });

  it("folds a settlement shown as a plain receive into its order's item", () => {
    const linked = item({ orderId: 'o9', type: 'buy', txid: 't2', status: 'pending' });
    expect(ids(mergeActivities(shown, [linked]))).toEqual(['o9:pending', 't1:confirmed']);
  });

  it('drops the ids the change lists as removed: a txid, or order:<orderId>', () => {
    const withBid = [item({ orderId: 'o1', type: 'bid', status: 'open' }), ...shown];
    expect(ids(mergeActivities(withBid, [], ['t2', 'order:o1']))).toEqual(['t1:confirmed']);
  });

  it('puts several new items on top newest first', () => {
    const older = item({ txid: 't3', firstSeenAt: '2026-01-02T00:00:00.000Z' });
    const newer = item({ txid: 't4', firstSeenAt: '2026-01-03T00:00:00.000Z' });
    expect(ids(mergeActivities(shown, [older, newer]))).toEqual([
      't4:pending',
      't3:pending',
      't2:pending',
      't1:confirmed',
    ]);
  });

  it('counts confirmations against a new tip, settlements too', () => {
    const buy = item({
      orderId: 'o2',
      type: 'buy',
      status: 'confirmed',
      txid: 't5',
      blockHeight: 100,
      confirmations: 1,
      settlement: { txid: 't5', status: 'confirmed', confirmations: 1, deltaSats: 5 },
    });
    const [moved, pending] = withTip([buy, item({ txid: 't6' })], 102);
    expect(moved).toMatchObject({ confirmations: 3, settlement: { confirmations: 3 } });
    expect(pending!.confirmations).toBeNull();
  });

  it('a further page skips what a live change already showed', () => {
    expect(ids(appendPage(shown, [item({ txid: 't2' }), item({ txid: 't0' })]))).toEqual([
      't2:pending',
      't1:confirmed',
      't0:pending',
    ]);
  });
});
