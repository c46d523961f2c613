import { initEccLib, payments, type Network, type Payment } from 'bitcoinjs-lib';
import * as ecc from 'tiny-secp256k1';
import { bitcoinNetwork } from '../networks.js';
import { deriveChildKey } from './deriveChildKey.js';
import type { WalletDescriptor } from './walletDescriptor.js';

// p2tr tweaks the internal key on the curve, which needs an ECC backend.
initEccLib(ecc);

/** Above this, BIP-32 indexes are hardened, which a public key cannot derive. */
const MAX_INDEX = 0x7fffffff;

export interface DerivedAddress {
  index: number;
  address: string;
  scriptPubKey: Buffer;
}

const PAYMENTS: Record<WalletDescriptor['type'], (pubkey: Uint8Array, network: Network) => Payment> = {
  wpkh: (pubkey, network) => payments.p2wpkh({ pubkey, network }),
  'sh-wpkh': (pubkey, network) => payments.p2sh({ redeem: payments.p2wpkh({ pubkey, network }), network }),
  pkh: (pubkey, network) => payments.p2pkh({ pubkey, network }),
  // BIP-86: the x-only key, tweaked by its own hash since there is no script tree.
  tr: (pubkey, network) => payments.p2tr({ internalPubkey: pubkey.subarray(1, 33), network }),
};

/**
 * The addresses at `fromIndex` .. `fromIndex + count - 1` of one branch (0 receive,
 * 1 change), spelled as the node spells them (bech32 lower case), with their scripts.
 */
export function deriveAddresses(
  descriptor: WalletDescriptor,
  branch: 0 | 1,
  fromIndex: number,
  count: number,
): DerivedAddress[] {
  if (!Number.isInteger(fromIndex) || fromIndex < 0 || fromIndex > MAX_INDEX) {
    throw new RangeError(`fromIndex ${fromIndex} is not an index from 0 to ${MAX_INDEX}`);
  }
  if (!Number.isInteger(count) || count < 0 || fromIndex + count - 1 > MAX_INDEX) {
    throw new RangeError(`count ${count} from ${fromIndex} leaves the indexes 0 to ${MAX_INDEX}`);
  }
  const network = bitcoinNetwork(descriptor.network);
  const branchKey = deriveChildKey(descriptor.accountKey, [...descriptor.steps, branch]);
  const pay = PAYMENTS[descriptor.type];
  return Array.from({ length: count }, (_, i) => {
    const index = fromIndex + i;
    const { address, output } = pay(deriveChildKey(branchKey, [index]).publicKey, network);
    if (address === undefined || output === undefined) {
      throw new Error(`bitcoinjs-lib made no ${descriptor.type} address for index ${index}`);
    }
    return { index, address, scriptPubKey: Buffer.from(output) };
  });
}
