import { Transaction } from 'bitcoinjs-lib';
import { describe, expect, it } from 'vitest';
import { blockOf } from '../testing/blockOf.js';
import { expectSameAsBitcoinjs } from '../testing/expectSameAsBitcoinjs.js';
import { parseBlock } from './parseBlock.js';

// Mainnet's genesis block (Bitcoin Core, src/kernel/chainparams.cpp: CreateGenesisBlock).
const GENESIS =
  '0100000000000000000000000000000000000000000000000000000000000000000000003ba3edfd7a7b12b27ac72c3e67768f617fc81bc3888a51323a9fb8aa4b1e5e4a29ab5f49ffff001d1dac2b7c' +
  '0101000000010000000000000000000000000000000000000000000000000000000000000000ffffffff4d04ffff001d0104455468652054696d65732030332f4a616e2f32303039204368616e63656c6c6f72206f6e206272696e6b206f66207365636f6e64206261696c6f757420666f722062616e6b73ffffffff0100f2052a01000000434104678afdb0fe5548271967f1a67130b7105cd6a828e03909a67962e0ea1f61deb649f6bc3f4cef38c4f35504e51ec112de5c384df7ba0b8d578a4c702b6bf11d5fac00000000';

const script = (n: number) => Buffer.from(`0014${n.toString(16).padStart(40, '0')}`, 'hex');

function coinbase(): Transaction {
  const tx = new Transaction();
  tx.addInput(Buffer.alloc(32), 0xffffffff, 0xffffffff, Buffer.from('03010203', 'hex'));
  tx.addOutput(script(9), 5_000_000_000n);
  tx.setWitness(0, [Buffer.alloc(32)]);
  return tx;
}

/** A transaction with `ins` inputs and `outs` outputs, witness data on every other input. */
function tx(seed: number, ins: number, outs: number, witness: boolean): Transaction {
  const t = new Transaction();
  t.version = 2;
  t.locktime = seed;
  for (let i = 0; i < ins; i++) {
    t.addInput(
      Buffer.alloc(32, (seed + i) % 256),
      i * 300,
      0xfffffffd,
      witness ? undefined : Buffer.alloc(107, 1),
    );
  }
  for (let o = 0; o < outs; o++) t.addOutput(script(seed * 1000 + o), BigInt(seed) * 2n ** 40n + BigInt(o));
  if (witness) for (let i = 0; i < ins; i += 2) t.setWitness(i, [Buffer.alloc(72, 2), Buffer.alloc(33, 3)]);
  return t;
}

describe('parseBlock', () => {
  it('reads the genesis block: hash, header fields, coinbase, txid', () => {
    const block = parseBlock(Buffer.from(GENESIS, 'hex'));
    expect(block.hash).toBe('000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f');
    expect(block.prevHash).toBe('00'.repeat(32));
    expect(block.time).toBe(1231006505);
    expect(block.bits).toBe(0x1d00ffff);
    expect(block.txs.count).toBe(1);
    expect(block.txs.isCoinbase(0)).toBe(true);
    expect(block.txs.txid(0)).toBe('4a5e1e4baab89f3a32518a88c31bc87f618f76673e2cc77ab2127b7afdeda33b');
    expect(block.txs.outputValue(0)).toBe(5_000_000_000);
    expectSameAsBitcoinjs(Buffer.from(GENESIS, 'hex'));
  });

  it('reads what bitcoinjs-lib reads: segwit and legacy, many inputs and outputs, 3-byte varints', () => {
    const raw = blockOf([
      coinbase(),
      tx(1, 1, 2, true),
      tx(2, 3, 1, false),
      tx(3, 2, 300, true),
      tx(4, 260, 1, false),
    ]);
    expectSameAsBitcoinjs(raw);
    const txs = parseBlock(raw).txs;
    expect([0, 1, 2].map((t) => txs.isCoinbase(t))).toEqual([true, false, false]);
    expect(txs.outputStart[txs.count]).toBe(1 + 2 + 1 + 300 + 1);
  });

  it('refuses bytes that are not the block asked for', () => {
    expect(() => parseBlock(Buffer.from(GENESIS, 'hex'), 'ab'.repeat(32))).toThrow(
      /returned block 000000000019d6.* when asked for abab/,
    );
  });

  it('refuses a truncated block and trailing bytes', () => {
    const raw = blockOf([coinbase(), tx(1, 1, 2, true)]);
    expect(() => parseBlock(raw.subarray(0, raw.length - 3))).toThrow(/truncated/);
    expect(() => parseBlock(Buffer.concat([raw, Buffer.from([0])]))).toThrow(
      /1 bytes after the last transaction/,
    );
    expect(() => parseBlock(raw.subarray(0, 50))).toThrow(/too short/);
  });
});
