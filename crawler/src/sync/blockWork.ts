const TWO_256 = 1n << 256n;

/**
 * The work a block stands for, from its header's compact target (`bits`): 2^256 / (target
 * + 1), as Bitcoin Core's GetBlockProof computes it; 0 for a negative, zero or overflowing
 * target, which no valid block has. A block's chainwork is its parent's plus its own work,
 * so the crawler needs no call to the node per block to know it.
 */
export function blockWork(bits: number): bigint {
  const size = bits >>> 24;
  let word = bits & 0x007fffff;
  let target: bigint;
  if (size <= 3) {
    word >>>= 8 * (3 - size);
    target = BigInt(word);
  } else {
    target = BigInt(word) << BigInt(8 * (size - 3));
  }
  const negative = word !== 0 && (bits & 0x00800000) !== 0;
  const overflow = word !== 0 && (size > 34 || (word > 0xff && size > 33) || (word > 0xffff && size > 32));
  if (negative || overflow || target === 0n) return 0n;
  return TWO_256 / (target + 1n);
}
