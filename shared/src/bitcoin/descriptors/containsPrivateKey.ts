/** Runs of base58 characters: every key in a descriptor is one. */
const BASE58_RUN = /[1-9A-HJ-NP-Za-km-z]+/g;

/** xprv, tprv and their SLIP-132 cousins (yprv, zprv, uprv, vprv, Yprv, Zprv, Uprv, Vprv): 111 characters. */
const EXTENDED_PRIVATE = /^[xtyzuvYZUV]prv[1-9A-HJ-NP-Za-km-z]{90,}$/;

/** WIF: 5 or 9 (uncompressed, 51 characters), K, L or c (compressed, 52), mainnet or test networks. */
const WIF = /^[59KLc][1-9A-HJ-NP-Za-km-z]{49,52}$/;

/**
 * Whether a descriptor holds something that looks like a private key. It goes by shape,
 * not by a valid base58 checksum, on purpose: a private key with a typo is still a
 * private key that must not be stored or echoed back.
 */
export function containsPrivateKey(text: string): boolean {
  for (const [run] of text.matchAll(BASE58_RUN)) {
    if (EXTENDED_PRIVATE.test(run) || WIF.test(run)) return true;
  }
  return false;
}
