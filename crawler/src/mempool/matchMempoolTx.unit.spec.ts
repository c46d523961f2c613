import { payments, Transaction } from 'bitcoinjs-lib';
import { describe, expect, it } from 'vitest';
import { outpointKey, type OwnedOutput, type WatchEntry } from '../matching/types.js';
import { displayTxid, matchMempoolTx } from './matchMempoolTx.js';

const p2wpkh = (n: number) => Buffer.from(payments.p2wpkh({ hash: new Uint8Array(20).fill(n) }).output!);
const watch = new Map<string, WatchEntry>([
  [p2wpkh(1).toString('hex'), { userId: 'alice', address: 'a1' }],
  [p2wpkh(2).toString('hex'), { userId: 'alice', address: 'a2' }],
  [p2wpkh(3).toString('hex'), { userId: 'bob', address: 'b1' }],
]);
const STRANGER = 9;

const confirmed: OwnedOutput = {
  txid: 'a1'.repeat(32),
  vout: 3,
  userId: 'alice',
  address: 'a1',
  valueSats: 10_000,
};
const foreign = { txid: '0123456789abcdef'.repeat(4), vout: 7 };

function tx(
  inputs: { txid: string; vout: number; sequence?: number }[],
  outputs: [number, number][],
): Transaction {
  const t = new Transaction();
  for (const i of inputs) t.addInput(Buffer.from(i.txid, 'hex').reverse(), i.vout, i.sequence);
  for (const [s, v] of outputs) t.addOutput(p2wpkh(s), BigInt(v));
  return t;
}

/** Prevouts from a list of owned outputs, as the caller's confirmed + pending lookup. */
const prevoutsOf = (owned: OwnedOutput[]) => {
  const byKey = new Map(owned.map((o) => [outpointKey(o.txid, o.vout), o]));
  return (txid: string, vout: number) => byKey.get(outpointKey(txid, vout));
};
const none = () => undefined;

describe('matchMempoolTx', () => {
  it('reads a prevout hash as the display-order txid', () => {
    expect(displayTxid(Buffer.from('0102' + '00'.repeat(30), 'hex'))).toBe('00'.repeat(30) + '0201');
  });

  it('matches outputs paying watched scripts, with their vout, and tallies each user', () => {
    const t = tx(
      [foreign],
      [
        [STRANGER, 5],
        [1, 100],
        [3, 20],
        [2, 50],
      ],
    );
    const m = matchMempoolTx(t, t.getId(), watch, none);
    expect(m.outputs).toEqual([
      { txid: t.getId(), vout: 1, userId: 'alice', address: 'a1', valueSats: 100 },
      { txid: t.getId(), vout: 2, userId: 'bob', address: 'b1', valueSats: 20 },
      { txid: t.getId(), vout: 3, userId: 'alice', address: 'a2', valueSats: 50 },
    ]);
    // Outputs total 175: for alice, 5 + 20 went to others; for bob, 5 + 150.
    expect(m.walletTxs).toEqual([
      {
        userId: 'alice',
        txid: t.getId(),
        receivedSats: 150,
        sentSats: 0,
        deltaSats: 150,
        paidToOthersSats: 25,
        addresses: ['a1', 'a2'],
      },
      {
        userId: 'bob',
        txid: t.getId(),
        receivedSats: 20,
        sentSats: 0,
        deltaSats: 20,
        paidToOthersSats: 155,
        addresses: ['b1'],
      },
    ]);
    expect(m.inputs).toEqual([foreign]);
  });

  it('counts a spent confirmed output as sent: a payment to bob with change', () => {
    const t = tx(
      [foreign, confirmed],
      [
        [3, 6_000],
        [2, 3_900],
      ],
    );
    const m = matchMempoolTx(t, t.getId(), watch, prevoutsOf([confirmed]));
    expect(m.inputs).toEqual([foreign, { txid: confirmed.txid, vout: confirmed.vout }]);
    expect(
      m.walletTxs.map((w) => [
        w.userId,
        w.receivedSats,
        w.sentSats,
        w.deltaSats,
        w.paidToOthersSats,
        w.addresses,
      ]),
    ).toEqual([
      ['alice', 3_900, 10_000, -6_100, 6_000, ['a1', 'a2']],
      ['bob', 6_000, 0, 6_000, 3_900, ['b1']],
    ]);
  });

  it('sees a child of a pending transaction through the parent’s matched outputs', () => {
    const parent = tx([confirmed], [[3, 9_000]]);
    const pm = matchMempoolTx(parent, parent.getId(), watch, prevoutsOf([confirmed]));
    // bob spends the unconfirmed output onwards to a stranger.
    const child = tx([{ txid: parent.getId(), vout: 0 }], [[STRANGER, 8_800]]);
    const cm = matchMempoolTx(child, child.getId(), watch, prevoutsOf([confirmed, ...pm.outputs]));
    expect(cm.walletTxs).toEqual([
      {
        userId: 'bob',
        txid: child.getId(),
        receivedSats: 0,
        sentSats: 9_000,
        deltaSats: -9_000,
        paidToOthersSats: 8_800,
        addresses: ['b1'],
      },
    ]);
    expect(cm.outputs).toEqual([]);
    expect(cm.inputs).toEqual([{ txid: parent.getId(), vout: 0 }]);
  });

  it('touches nobody when it pays and spends no watched script', () => {
    const t = tx([foreign], [[STRANGER, 1]]);
    expect(matchMempoolTx(t, t.getId(), watch, none)).toEqual({
      walletTxs: [],
      outputs: [],
      inputs: [foreign],
      signalsRbf: false,
    });
  });

  it.each([
    [[0xffff_ffff], false],
    [[0xffff_fffe], false],
    [[0xffff_fffd], true],
    [[0], true],
    // One signalling input is enough.
    [[0xffff_ffff, 0xffff_fffd], true],
    [[0xffff_fffe, 0xffff_ffff], false],
  ])('signals BIP 125 for sequences %j: %s', (sequences, rbf) => {
    const t = tx(
      sequences.map((sequence, i) => ({ ...foreign, vout: i, sequence })),
      [[1, 1]],
    );
    expect(matchMempoolTx(t, t.getId(), watch, none).signalsRbf).toBe(rbf);
  });
});
