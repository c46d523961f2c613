import type { WalletDescriptor } from '../bitcoin/descriptors/walletDescriptor.js';
import type { AddressType } from '../events/types.js';

/** The address type a descriptor's outputs have, as AddressAdded names it. */
export const descriptorAddressType: Record<WalletDescriptor['type'], AddressType> = {
  wpkh: 'p2wpkh',
  'sh-wpkh': 'p2sh',
  pkh: 'p2pkh',
  tr: 'p2tr',
};
