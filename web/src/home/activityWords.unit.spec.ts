import { describe, expect, it } from 'vitest';
import type { Activity } from '../api/types.js';
import { describeActivity, kindWord, statusWords } from './activityWords.js';

const tx = (over: Partial<Activity>): Activity => ({
  type: 'receive',
  status: 'pending',
  amountSats: 1,
  txid: 'aa'.repeat(32),
  blockHeight: null,
  blockHash: null,
  confirmations: null,
  replacedBy: null,
  dropReason: null,
  replaceable: false,
  firstSeenAt: '2026-01-01T00:00:00.000Z',
  orderId: null,
  limitPriceEurCents: null,
  priceEurCents: null,
  eurCents: null,
  rejectReason: null,
  settlement: null,
  ...over,
});

describe('activity words', () => {
  it('names every kind', () => {
    expect(['bid', 'ask', 'buy', 'sell', 'withdrawal', 'receive', 'self'].map(kindWord)).toEqual([
      'Bid',
      'Ask',
      'Buy',
      'Sell',
      'Withdrawal',
      'Receive',
      'Self',
    ]);
  });

  it.each([
    ['pending', null, null, 'pending'],
    ['confirmed', 1, null, '1 confirmation'],
    ['confirmed', 6, null, '6 confirmations'],
    ['reverted', null, null, 'reverted'],
    ['replaced', null, 'replaced', 'replaced (fee bump)'],
    ['dropped', null, 'conflict', 'dropped (a conflicting payment confirmed)'],
    ['dropped', null, 'evicted', 'dropped (left the mempool)'],
    ['cancelled', null, null, 'cancelled'],
    ['settling', null, null, 'settling…'],
  ] as const)('%s (%s confirmations, %s) reads %s', (status, confirmations, dropReason, words) => {
    expect(statusWords(status, { confirmations, dropReason })).toBe(words);
  });

  it('an open limit Bid shows its limit; a rejected Ask its reason', () => {
    expect(
      describeActivity(tx({ type: 'bid', status: 'open', orderId: 'o1', limitPriceEurCents: 5_500_000 })),
    ).toEqual({ status: 'open', detail: 'limit €55,000.00' });
    expect(
      describeActivity(
        tx({ type: 'ask', status: 'rejected', orderId: 'o2', rejectReason: 'not enough coins', txid: null }),
      ),
    ).toEqual({ status: 'rejected: not enough coins', detail: 'market' });
  });

  it('a Buy shows its fill and its settlement status', () => {
    const buy = tx({
      type: 'buy',
      status: 'confirmed',
      orderId: 'o3',
      priceEurCents: 6_000_000,
      eurCents: 600_000,
      confirmations: 2,
      settlement: { txid: 'bb'.repeat(32), status: 'confirmed', confirmations: 2, deltaSats: 10_000_000 },
    });
    expect(describeActivity(buy)).toEqual({
      status: 'settlement 2 confirmations',
      detail: 'filled at €60,000.00 for €6,000.00',
    });
    expect(describeActivity({ ...buy, status: 'settling', settlement: null }).status).toBe(
      'settlement settling…',
    );
  });
});
