import type { BIP32Interface } from 'bip32';

const HARDENED = 0x80000000;

/**
 * Public BIP-32 derivation (CKDpub) along unhardened steps. A hardened step is a
 * programming error here: parseDescriptor refuses them, since no public key derives one.
 */
export function deriveChildKey(key: BIP32Interface, path: readonly number[]): BIP32Interface {
  return path.reduce((parent, index) => {
    if (!Number.isInteger(index) || index < 0 || index >= HARDENED) {
      throw new RangeError(`${index} is not an unhardened BIP-32 index (0 to 2^31 - 1)`);
    }
    return parent.derive(index);
  }, key);
}
