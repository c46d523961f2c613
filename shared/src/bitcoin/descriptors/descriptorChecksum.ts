/**
 * BIP-380's input character set, three groups of 32 in this order: a character's place
 * inside its group and its group number become separate symbols, so a case error costs
 * one symbol error. Together the groups are exactly the printable ASCII characters.
 */
const INPUT_CHARSET =
  "0123456789()[],'/*abcdefgh@:$%{}" +
  'IJKLMNOPQRSTUVWXYZ&+-.;<=>?!^_|~' +
  'ijklmnopqrstuvwxyzABCDEFGH`#"\\ ';

/** The checksum's own alphabet, bech32's. */
const CHECKSUM_CHARSET = 'qpzry9x8gf2tvdw0s3jn54khce6mua7l';

/** The generator of BIP-380's BCH code over GF(32), times 1, 2, 4, 8 and 16. */
const GENERATOR = [0xf5dee51989n, 0xa9fdca3312n, 0x1bab10e32dn, 0x3706b1677an, 0x644d626ffdn];

/** One step of the checksum: multiply the 40-bit state by x modulo the generator, add a symbol. */
function polymod(chk: bigint, symbol: number): bigint {
  const top = chk >> 35n;
  let next = ((chk & 0x7ffffffffn) << 5n) ^ BigInt(symbol);
  for (let i = 0; i < GENERATOR.length; i++) {
    if ((top >> BigInt(i)) & 1n) next ^= GENERATOR[i]!;
  }
  return next;
}

/**
 * The 8-character BIP-380 checksum of a descriptor (the text before `#`), as Bitcoin Core
 * computes it (`descsum_create` in the BIP). Throws a RangeError for a character outside
 * the printable ASCII set, which no descriptor holds.
 */
export function descriptorChecksum(desc: string): string {
  let chk = 1n;
  let groups = 0;
  let groupCount = 0;
  for (let i = 0; i < desc.length; i++) {
    const position = INPUT_CHARSET.indexOf(desc.charAt(i));
    if (position === -1) {
      throw new RangeError(`character ${i + 1} of the descriptor is not printable ASCII`);
    }
    chk = polymod(chk, position & 31);
    groups = groups * 3 + (position >> 5);
    if (++groupCount === 3) {
      chk = polymod(chk, groups);
      groups = 0;
      groupCount = 0;
    }
  }
  if (groupCount > 0) chk = polymod(chk, groups);
  for (let j = 0; j < 8; j++) chk = polymod(chk, 0);
  // Without this, appending zero symbols would leave the checksum unchanged.
  chk ^= 1n;
  let checksum = '';
  for (let j = 0; j < 8; j++) checksum += CHECKSUM_CHARSET.charAt(Number((chk >> BigInt(5 * (7 - j))) & 31n));
  return checksum;
}
