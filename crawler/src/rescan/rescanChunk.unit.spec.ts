import { Transaction } from 'bitcoinjs-lib';
import { describe, expect, it } from 'vitest';
import type { OwnedOutput, WatchEntry } from '../matching/types.js';
import { outpointKey } from '../matching/types.js';
import { parseBlock } from '../node/parseBlock.js';
import { blockOf } from '../testing/blockOf.js';
import { matchRescanChunk } from './matchRescanChunk.js';
import { mergeWalletTxs } from './mergeWalletTxs.js';

const script = (n: number) => Buffer.from(`0014${n.toString(16).padStart(40, '0')}`, 'hex');
// The rescan's addresses only: alice's new address. Her live one (script 1) is not in it.
const watch = new Map<string, WatchEntry>([[script(2).toString('hex'), { userId: 'alice', address: 'a2' }]]);
const foreign = { txid: 'ff'.repeat(32), vout: 0 };

function coinbase(tag: number): Transaction {
  const tx = new Transaction();
  tx.addInput(Buffer.alloc(32), 0xffffffff);
  tx.ins[0]!.script = Buffer.from([tag]);
  tx.addOutput(script(9), 50n);
  return tx;
}

function tx(inputs: { txid: string; vout: number }[], outputs: [number, number][]): Transaction {
  const t = new Transaction();
  for (const i of inputs) t.addInput(Buffer.from(i.txid, 'hex').reverse(), i.vout);
  for (const [s, v] of outputs) t.addOutput(script(s), BigInt(v));
  return t;
}

const blockAt = (height: number, txs: Transaction[]) => ({
  height,
  block: parseBlock(blockOf([coinbase(height), ...txs])),
});

describe('matchRescanChunk', () => {
  it('finds outputs and their spends over the chunk, in block order; earlier outputs spent here apart', () => {
    const earlier: OwnedOutput = {
      txid: 'ee'.repeat(32),
      vout: 1,
      userId: 'alice',
      address: 'a2',
      valueSats: 70,
    };
    const unspent = new Map([[outpointKey(earlier.txid, earlier.vout), earlier]]);
    const pay = tx([foreign], [[2, 100]]);
    const spendBoth = tx(
      [
        { txid: pay.getId(), vout: 0 },
        { txid: earlier.txid, vout: 1 },
      ],
      [[9, 160]],
    );
    const keep = tx([foreign], [[2, 5]]);
    const blocks = [blockAt(10, [pay]), blockAt(11, [spendBoth, keep])];
    const m = matchRescanChunk(blocks, watch, unspent);

    expect(m.created.map((o) => [o.txid, o.height, o.spentBy?.txid ?? null])).toEqual([
      [pay.getId(), 10, spendBoth.getId()],
      [keep.getId(), 11, null],
    ]);
    expect(m.spent).toEqual([
      {
        txid: earlier.txid,
        vout: 1,
        spentTxid: spendBoth.getId(),
        blockHash: blocks[1]!.block.hash,
        height: 11,
      },
    ]);
    expect(m.walletTxs.map((w) => [w.txid, w.height, w.deltaSats])).toEqual([
      [pay.getId(), 10, 100],
      [spendBoth.getId(), 11, -170],
      [keep.getId(), 11, 5],
    ]);
    // Advanced past the chunk: only the output still unspent is left for the next one.
    expect([...unspent.keys()]).toEqual([outpointKey(keep.getId(), 0)]);
  });
});

describe('mergeWalletTxs', () => {
  const base = {
    userId: 'alice',
    txid: 'aa'.repeat(32),
    blockHash: 'bb'.repeat(32),
    height: 12,
    sentSats: 0,
  };

  it('a transaction new for the user: inserted, with its TxConfirmed', () => {
    const found = [{ ...base, receivedSats: 30, deltaSats: 30, paidToOthersSats: 70, addresses: ['a2'] }];
    const merged = mergeWalletTxs(found, []);
    expect(merged.inserted).toEqual(found);
    expect(merged.updated).toEqual([]);
    expect(merged.events.get('user:alice')).toEqual([
      {
        type: 'TxConfirmed',
        payload: {
          txid: base.txid,
          blockHash: base.blockHash,
          height: 12,
          deltaSats: 30,
          receivedSats: 30,
          sentSats: 0,
          paidToOthersSats: 70,
          addresses: ['a2'],
        },
      },
    ]);
  });

  it('one stored with the live addresses’ part: the whole, told as TxReverted then TxConfirmed', () => {
    // The outputs total 100: 20 to the live a1 (stored), 30 to the rescanned a2, 50 to others;
    // the user spent 60 from a1.
    const found = [{ ...base, receivedSats: 30, deltaSats: 30, paidToOthersSats: 70, addresses: ['a2'] }];
    const stored = [{ ...base, receivedSats: 20, sentSats: 60, addresses: ['a1'] }];
    const merged = mergeWalletTxs(found, stored);
    expect(merged.inserted).toEqual([]);
    expect(merged.updated).toEqual([
      {
        ...base,
        receivedSats: 50,
        sentSats: 60,
        deltaSats: -10,
        paidToOthersSats: 50,
        addresses: ['a1', 'a2'],
      },
    ]);
    expect(merged.events.get('user:alice')).toEqual([
      {
        type: 'TxReverted',
        payload: { txid: base.txid, blockHash: base.blockHash, height: 12, deltaSats: 40 },
      },
      {
        type: 'TxConfirmed',
        payload: {
          txid: base.txid,
          blockHash: base.blockHash,
          height: 12,
          deltaSats: -10,
          receivedSats: 50,
          sentSats: 60,
          paidToOthersSats: 50,
          addresses: ['a1', 'a2'],
        },
      },
    ]);
  });
});
