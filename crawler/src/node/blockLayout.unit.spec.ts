import { Transaction } from 'bitcoinjs-lib';
import { describe, expect, it } from 'vitest';
import { blockOf } from '../testing/blockOf.js';
import { expectSameAsBitcoinjs } from '../testing/expectSameAsBitcoinjs.js';
import { parseBlock } from './parseBlock.js';

/** A small seeded generator (mulberry32): the same cases on every run. */
function random(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
  const int = (below: number) => Math.floor(next() * below);
  const bytes = (n: number) => Buffer.from(Array.from({ length: n }, () => int(256)));
  return { int, bytes, chance: (p: number) => next() < p };
}

// Lengths that cross the varint sizes: 0, one byte, 0xfc/0xfd (three-byte form), longer.
const LENGTHS = [0, 1, 4, 22, 34, 252, 253, 300, 520];

/** A random block; `small`: no transaction with 253 inputs or outputs or more. */
function randomBlock(seed: number, small = false): Buffer {
  const r = random(seed);
  const pick = <T>(xs: T[]) => xs[r.int(xs.length)]!;
  const coinbase = new Transaction();
  coinbase.addInput(Buffer.alloc(32), 0xffffffff, 0xffffffff, r.bytes(r.int(100)));
  coinbase.addOutput(r.bytes(pick(LENGTHS)), BigInt(r.int(2 ** 30)) * 4096n);
  if (r.chance(0.5)) coinbase.setWitness(0, [Buffer.alloc(32)]);
  const txs = [coinbase];
  for (let t = r.int(12); t > 0; t--) {
    const tx = new Transaction();
    tx.version = pick([1, 2]);
    tx.locktime = r.int(2 ** 32);
    const ins = !small && r.chance(0.1) ? 253 + r.int(20) : 1 + r.int(4);
    for (let i = 0; i < ins; i++)
      tx.addInput(r.bytes(32), r.int(2 ** 32), r.int(2 ** 32), r.bytes(pick(LENGTHS)));
    const outs = !small && r.chance(0.1) ? 253 + r.int(20) : r.int(5); // none at all is well-formed too
    for (let o = 0; o < outs; o++) tx.addOutput(r.bytes(pick(LENGTHS)), BigInt(r.int(2 ** 31)) * 1000n);
    if (r.chance(0.6)) {
      // segwit: some inputs with items (empty ones too), the others with none
      for (let i = 0; i < ins; i++) {
        if (r.chance(0.7))
          tx.setWitness(
            i,
            Array.from({ length: r.int(4) }, () => r.bytes(pick(LENGTHS))),
          );
      }
    }
    txs.push(tx);
  }
  return blockOf(txs, r.bytes(32));
}

describe('the block walk (blockLayout, through parseBlock)', () => {
  it('reads what bitcoinjs-lib reads from 120 random blocks: segwit or not, coinbase, long varints, empty scripts', () => {
    for (let seed = 1; seed <= 120; seed++) expectSameAsBitcoinjs(randomBlock(seed));
  });

  it('refuses every truncation of a block and any bytes after it', () => {
    for (let seed = 1; seed <= 3; seed++) {
      const raw = randomBlock(seed * 1_000, true);
      for (let len = 81; len < raw.length; len++) {
        expect(() => parseBlock(raw.subarray(0, len)), `${len} of ${raw.length} bytes`).toThrow(
          /truncated|after the last transaction/,
        );
      }
      expect(() => parseBlock(Buffer.concat([raw, Buffer.from([0, 0])]))).toThrow(
        /2 bytes after the last transaction/,
      );
    }
  });

  it('refuses a transaction count the bytes cannot hold, before sizing anything by it', () => {
    const raw = Buffer.concat([Buffer.alloc(80), Buffer.from([0xfe, 0xff, 0xff, 0xff, 0x7f])]);
    expect(() => parseBlock(raw)).toThrow(/truncated/);
  });
});
