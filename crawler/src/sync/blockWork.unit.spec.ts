import { describe, expect, it } from 'vitest';
import { blockWork } from './blockWork.js';

describe('blockWork', () => {
  it("is bitcoind's chainwork step: 2 per regtest block, 0x100010001 per difficulty-1 block", () => {
    // regtest's powLimit target: getblockheader shows chainwork 2, 4, 6, … from genesis on.
    expect(blockWork(0x207fffff)).toBe(2n);
    // Mainnet's genesis block (bits 1d00ffff): chainwork 0000…0100010001.
    expect(blockWork(0x1d00ffff)).toBe(0x100010001n);
  });

  it('grows as the target shrinks', () => {
    // Mainnet block 840,000 (bits 17034219): its work over a difficulty-1 block's is its
    // difficulty, which getblockheader shows as 86388558925171.1.
    expect(blockWork(0x17034219) / blockWork(0x1d00ffff)).toBe(86_388_558_925_171n);
  });

  it('is 0 for a target no valid block has: zero, negative, overflowing', () => {
    expect(blockWork(0x00000000)).toBe(0n);
    expect(blockWork(0x03000000)).toBe(0n);
    expect(blockWork(0x04923456)).toBe(0n); // sign bit set
    expect(blockWork(0xff123456)).toBe(0n); // beyond 256 bits
  });

  it('reads small exponents as Bitcoin Core does: the mantissa shifted right', () => {
    // bits 01003456 → target 0x00 (the 0x34 and 0x56 shifted out): zero, so no work.
    expect(blockWork(0x01003456)).toBe(0n);
    // bits 02008000 → target 0x80: 2^256 / 0x81.
    expect(blockWork(0x02008000)).toBe((1n << 256n) / 0x81n);
  });
});
