/**
 * Small-integer tags that let matching skip almost every output and input without building
 * a hex string: a block of 1,000 transactions has ~2,000 output scripts and ~1,000 prevout
 * txids, nearly none of them ours, and turning each into hex for a Map lookup was most of
 * the crawler's CPU per block. A tag is 30 bits of the last four bytes — a V8 small
 * integer, so a Set<number> lookup allocates nothing. Equal bytes give equal tags; a tag
 * hit is only a "maybe", confirmed by the exact lookup.
 */
const TAG_MASK = 0x3fff_ffff;

/** The tag of bytes [start, end) of `buf`: their last four bytes (their length when shorter). */
export function bytesTag(buf: Uint8Array, start: number, end: number): number {
  if (end - start < 4) return end - start;
  return ((buf[end - 4]! << 24) | (buf[end - 3]! << 16) | (buf[end - 2]! << 8) | buf[end - 1]!) & TAG_MASK;
}

/**
 * The tag of a txid given in display hex, equal to bytesTag of its 32 internal-order bytes
 * (the display order reversed): their last four bytes are the display's first four, reversed.
 */
export function txidTag(displayHex: string): number {
  const byte = (i: number) => parseInt(displayHex.slice(2 * i, 2 * i + 2), 16);
  return ((byte(3) << 24) | (byte(2) << 16) | (byte(1) << 8) | byte(0)) & TAG_MASK;
}
