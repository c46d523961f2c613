import { describe, expect, it } from 'vitest';
import type { Activity } from '../api/types.js';
import { appendPage, mergeActivities } from './mergeActivities.js';

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

  it('a further page skips what a live change already showed', () => {
    expect(ids(appendPage(shown, [item({ txid: 't2' }), item({ txid: 't0' })]))).toEqual([
      't2:pending',
      't1:confirmed',
      't0:pending',
    ]);
  });
});
