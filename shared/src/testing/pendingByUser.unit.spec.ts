import { describe, expect, it } from 'vitest';
import { pendingByUser, type DecodedMempoolTx } from './pendingByUser.js';

// Scripts stand in for the users' addresses; the function matches script bytes only.
const ALICE = '0014aa';
const BOB = '0014bb';
const BOB_2 = '5120bb';
const OTHER = '0014ff';
const owners = new Map([
  [ALICE, 'alice'],
  [BOB, 'bob'],
  [BOB_2, 'bob'],
]);

const out = (script: string, btc: number) => ({ value: btc, scriptPubKey: { hex: script } });
const tx = (txid: string, spends: [string, number][], pays: [string, number][]): DecodedMempoolTx => ({
  txid,
  vin: spends.map(([script, btc]) => ({ prevout: out(script, btc) })),
  vout: pays.map(([script, btc]) => out(script, btc)),
});

describe('pendingByUser: what the mempool would change each balance by', () => {
  it('an empty mempool: every user at 0 with no transactions', () => {
    expect(pendingByUser([], owners)).toEqual(
      new Map([
        ['alice', { pendingSats: 0, txids: [] }],
        ['bob', { pendingSats: 0, txids: [] }],
      ]),
    );
  });

  it('a payment from outside counts for the receiver only', () => {
    const result = pendingByUser(
      [
        tx(
          't1',
          [[OTHER, 1]],
          [
            [ALICE, 0.3],
            [OTHER, 0.69],
          ],
        ),
      ],
      owners,
    );
    expect(result.get('alice')).toEqual({ pendingSats: 30_000_000, txids: ['t1'] });
    expect(result.get('bob')).toEqual({ pendingSats: 0, txids: [] });
  });

  it('a payment between users: the sender loses the amount and the fee, change back included', () => {
    // alice spends 1 BTC, pays bob 0.25, gets 0.7499 back: the fee is 0.0001.
    const result = pendingByUser(
      [
        tx(
          't1',
          [[ALICE, 1]],
          [
            [BOB, 0.25],
            [ALICE, 0.7499],
          ],
        ),
      ],
      owners,
    );
    expect(result.get('alice')).toEqual({ pendingSats: -25_010_000, txids: ['t1'] });
    expect(result.get('bob')).toEqual({ pendingSats: 25_000_000, txids: ['t1'] });
  });

  it('a transfer between two addresses of one user costs them the fee', () => {
    const result = pendingByUser([tx('t1', [[BOB, 0.5]], [[BOB_2, 0.4999]])], owners);
    expect(result.get('bob')).toEqual({ pendingSats: -10_000, txids: ['t1'] });
  });

  it('a chain of unconfirmed transactions sums over both, txids sorted', () => {
    // t2 pays alice, t1 (its child) passes the same coin on to bob.
    const result = pendingByUser(
      [
        tx(
          't2',
          [[OTHER, 2]],
          [
            [ALICE, 1.5],
            [OTHER, 0.4999],
          ],
        ),
        tx('t1', [[ALICE, 1.5]], [[BOB, 1.4999]]),
      ],
      owners,
    );
    expect(result.get('alice')).toEqual({ pendingSats: 0, txids: ['t1', 't2'] });
    expect(result.get('bob')).toEqual({ pendingSats: 149_990_000, txids: ['t1'] });
  });

  it('amounts with float noise in BTC come out as exact satoshis', () => {
    const result = pendingByUser(
      [
        tx(
          't1',
          [[OTHER, 0.3]],
          [
            [ALICE, 0.1],
            [ALICE, 0.2],
          ],
        ),
      ],
      owners,
    );
    expect(result.get('alice')?.pendingSats).toBe(30_000_000);
  });
});
