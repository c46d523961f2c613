import { Transaction } from 'bitcoinjs-lib';
import { describe, expect, it } from 'vitest';
import { parseBlock } from '../node/parseBlock.js';
import { blockOf } from '../testing/blockOf.js';
import { matchBlock as matchTxs, spentOutpoints as spentOf } from './matchBlock.js';
import type { OwnedOutput, WatchEntry, WatchLookup } from './types.js';
import { createUnspentTxids } from './unspentTxids.js';
import { createWatchIndex } from './watchIndex.js';

// The functions read the lean view of parsed block bytes: go through a real serialisation.
const txsOf = (txs: Transaction[]) => parseBlock(blockOf(txs)).txs;
const matchBlock = (txs: Transaction[], w: WatchLookup, prevouts: OwnedOutput[]) =>
  matchTxs(txsOf(txs), w, prevouts);
const spentOutpoints = (txs: Transaction[], keep?: Parameters<typeof spentOf>[1]) =>
  spentOf(txsOf(txs), keep);

const script = (n: number) => Buffer.from(`0014${n.toString(16).padStart(40, '0')}`, 'hex');
const watch = new Map<string, WatchEntry>([
  [script(1).toString('hex'), { userId: 'alice', address: 'a1' }],
  [script(2).toString('hex'), { userId: 'alice', address: 'a2' }],
  [script(3).toString('hex'), { userId: 'bob', address: 'b1' }],
]);

function coinbase(): Transaction {
  const tx = new Transaction();
  tx.addInput(Buffer.alloc(32), 0xffffffff);
  tx.addOutput(script(9), 50n);
  return tx;
}

function tx(inputs: { txid: string; vout: number }[], outputs: [number, number][]): Transaction {
  const t = new Transaction();
  for (const i of inputs) t.addInput(Buffer.from(i.txid, 'hex').reverse(), i.vout);
  for (const [s, v] of outputs) t.addOutput(script(s), BigInt(v));
  return t;
}

const foreign = { txid: 'ff'.repeat(32), vout: 0 };

describe('matchBlock', () => {
  it('matches outputs by script and sums several outputs of one user into one wallet tx', () => {
    const t = tx(
      [foreign],
      [
        [1, 100],
        [2, 50],
        [9, 7],
        [3, 20],
      ],
    );
    const m = matchBlock([coinbase(), t], watch, []);
    expect(m.created.map((c) => [c.userId, c.vout, c.valueSats])).toEqual([
      ['alice', 0, 100],
      ['alice', 1, 50],
      ['bob', 3, 20],
    ]);
    expect(m.walletTxs).toEqual([
      {
        userId: 'alice',
        txid: t.getId(),
        receivedSats: 150,
        sentSats: 0,
        deltaSats: 150,
        // the outputs total 177: 7 to a stranger and 20 to bob are others' for alice
        paidToOthersSats: 27,
        addresses: ['a1', 'a2'],
      },
      {
        userId: 'bob',
        txid: t.getId(),
        receivedSats: 20,
        sentSats: 0,
        deltaSats: 20,
        paidToOthersSats: 157,
        addresses: ['b1'],
      },
    ]);
    expect(m.spent).toEqual([]);
  });

  it('matches inputs against our unspent outputs: delta = received − sent (self-transfer with change)', () => {
    const prev: OwnedOutput = {
      txid: 'aa'.repeat(32),
      vout: 1,
      userId: 'alice',
      address: 'a1',
      valueSats: 1000,
    };
    const t = tx(
      [prev, foreign],
      [
        [9, 600],
        [1, 390],
      ],
    );
    const m = matchBlock([t], watch, [prev]);
    expect(m.spent).toEqual([{ txid: prev.txid, vout: 1, spentTxid: t.getId() }]);
    expect(m.walletTxs).toEqual([
      {
        userId: 'alice',
        txid: t.getId(),
        receivedSats: 390,
        sentSats: 1000,
        deltaSats: -610,
        // a payment of 600 with change back: alice paid others 600 (and 10 in fees)
        paidToOthersSats: 600,
        addresses: ['a1'],
      },
    ]);
  });

  it('a move between the user’s own addresses pays nobody else', () => {
    const prev: OwnedOutput = {
      txid: 'bb'.repeat(32),
      vout: 0,
      userId: 'alice',
      address: 'a1',
      valueSats: 1000,
    };
    const t = tx(
      [prev],
      [
        [2, 700],
        [1, 290],
      ],
    );
    const [w] = matchBlock([t], watch, [prev]).walletTxs;
    expect(w).toMatchObject({
      userId: 'alice',
      receivedSats: 990,
      sentSats: 1000,
      deltaSats: -10,
      paidToOthersSats: 0,
    });
  });

  it('sees a transaction spending an output paid earlier in the same block', () => {
    const pay = tx([foreign], [[1, 500]]);
    const onward = tx([{ txid: pay.getId(), vout: 0 }], [[3, 480]]);
    const m = matchBlock([coinbase(), pay, onward], watch, []);
    expect(m.spent).toEqual([{ txid: pay.getId(), vout: 0, spentTxid: onward.getId() }]);
    expect(m.walletTxs.map((w) => [w.userId, w.txid, w.deltaSats])).toEqual([
      ['alice', pay.getId(), 500],
      ['alice', onward.getId(), -500],
      ['bob', onward.getId(), 480],
    ]);
  });

  it('ignores transactions that touch nobody, and coinbase inputs', () => {
    expect(matchBlock([coinbase(), tx([foreign], [[9, 1]])], watch, [])).toEqual({
      created: [],
      spent: [],
      walletTxs: [],
    });
  });

  it('lists the outpoints a block spends in display order, without the coinbase', () => {
    const t = tx([{ txid: '01'.repeat(31) + '02', vout: 3 }], [[9, 1]]);
    expect(spentOutpoints([coinbase(), t])).toEqual([{ txid: '01'.repeat(31) + '02', vout: 3 }]);
  });

  it('gives the same result through the watch index, whose script tags skip most outputs', () => {
    const index = createWatchIndex();
    for (const [hex, entry] of watch) index.add(Buffer.from(hex, 'hex'), entry);
    const pay = tx(
      [foreign],
      [
        [1, 500],
        [9, 3],
        [3, 20],
      ],
    );
    const onward = tx([{ txid: pay.getId(), vout: 0 }], [[3, 480]]);
    const block = [coinbase(), pay, onward];
    expect(matchBlock(block, index, [])).toEqual(matchBlock(block, watch, []));
  });

  it('narrows the outpoints to our unspent ones', () => {
    const ours = { txid: 'aa'.repeat(32), vout: 2 };
    const t = tx([foreign, { txid: ours.txid, vout: 1 }, ours], [[9, 1]]);
    const unspent = createUnspentTxids();
    unspent.load(new Map([[ours.txid, [2]]]), undefined);
    expect(spentOutpoints([coinbase(), t], unspent)).toEqual([ours]);
  });
});
