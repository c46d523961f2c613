import { descriptorChecksum } from './descriptorChecksum.js';
import type { WalletDescriptor } from './walletDescriptor.js';

const HARDENED = 0x80000000;

const WRAP: Record<WalletDescriptor['type'], (key: string) => string> = {
  wpkh: (key) => `wpkh(${key})`,
  'sh-wpkh': (key) => `sh(wpkh(${key}))`,
  pkh: (key) => `pkh(${key})`,
  tr: (key) => `tr(${key})`,
};

/**
 * One branch of a wallet as Bitcoin Core prints a descriptor: lower-case fingerprint,
 * hardened steps as `h` (Core's own wallets write them so; it keeps an apostrophe the
 * user typed, forkline does not, so both spellings of one wallet compare equal),
 * decimal steps without leading zeros, the key re-encoded, then `#` and the checksum.
 */
export function canonicalDescriptor(
  wallet: Pick<WalletDescriptor, 'type' | 'accountKey' | 'steps' | 'origin'>,
  branch: 0 | 1,
): string {
  const origin = wallet.origin
    ? `[${wallet.origin.fingerprint}${wallet.origin.path.map(formatStep).join('')}]`
    : '';
  const path = [...wallet.steps, branch].map(formatStep).join('');
  const body = WRAP[wallet.type](`${origin}${wallet.accountKey.toBase58()}${path}/*`);
  return `${body}#${descriptorChecksum(body)}`;
}

function formatStep(index: number): string {
  return index >= HARDENED ? `/${index - HARDENED}h` : `/${index}`;
}
