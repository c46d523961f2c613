import { Transaction } from 'bitcoinjs-lib';
import { describe, expect, it } from 'vitest';
import { parseBlock } from '../node/parseBlock.js';
import { blockOf } from '../testing/blockOf.js';
import { bytesTag, txidTag } from './tags.js';

describe('tags', () => {
  const txids = ['00'.repeat(32), 'ff'.repeat(32), '0123456789abcdef'.repeat(4), 'fedcba98'.repeat(8)];
  const scripts = [
    '0014' + 'ab'.repeat(20),
    '5120' + '9f'.repeat(32),
    '6a',
    '51',
    '76a914' + '80'.repeat(20) + '88ac',
  ];

  it('gives a prevout the tag of its txid, and an output script the tag of its bytes', () => {
    const t = new Transaction();
    for (const txid of txids) t.addInput(Buffer.from(txid, 'hex').reverse(), 0);
    for (const s of scripts) t.addOutput(Buffer.from(s, 'hex'), 1n);
    const coinbase = new Transaction();
    coinbase.addInput(Buffer.alloc(32), 0xffffffff);
    coinbase.addOutput(Buffer.from('51', 'hex'), 1n);
    const { txs } = parseBlock(blockOf([coinbase, t]));
    txids.forEach((txid, i) => {
      expect(txs.prevoutTxid(txs.inputStart[1]! + i)).toBe(txid);
      expect(txs.prevoutTxidTags[txs.inputStart[1]! + i]).toBe(txidTag(txid));
    });
    scripts.forEach((s, o) => {
      const bytes = Buffer.from(s, 'hex');
      expect(txs.outputScriptTags[txs.outputStart[1]! + o]).toBe(bytesTag(bytes, 0, bytes.length));
    });
  });

  it('are small non-negative integers', () => {
    for (const txid of txids)
      expect(txidTag(txid)).toSatisfy((n: number) => Number.isInteger(n) && n >= 0 && n < 2 ** 30);
  });
});
