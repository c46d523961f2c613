import { BIP32Factory, type BIP32Interface } from 'bip32';
import * as ecc from 'tiny-secp256k1';
import { bitcoinNetwork, type NetworkName } from '../networks.js';
import type { DescriptorRefusal } from './descriptorRefusal.js';

const bip32 = BIP32Factory(ecc);

/**
 * Reads the extended public key of a descriptor for the network forkline follows: an
 * xpub on mainnet, a tpub on testnet, signet and regtest. Tells a key of the other kind,
 * a SLIP-132 ypub/zpub and a mistyped key apart, for a message that says what to fix.
 */
export function readExtendedKey(
  text: string,
  network: NetworkName,
): { ok: true; node: BIP32Interface } | DescriptorRefusal {
  const node = decodePublic(text, network);
  if (node) return { ok: true, node };
  const expected = network === 'mainnet' ? 'xpub' : 'tpub';
  const other: NetworkName = network === 'mainnet' ? 'regtest' : 'mainnet';
  if (decodePublic(text, other)) {
    const kind = other === 'mainnet' ? 'an xpub, a mainnet key' : 'a tpub, a test-network key';
    return {
      ok: false,
      code: 'WRONG_NETWORK',
      message: `the descriptor's key is ${kind}, but this forkline follows ${network}: give the wallet's ${expected}`,
    };
  }
  if (/^[yzuvYZUV]pub/.test(text)) {
    return unsupported(
      `${text.slice(0, 4)} keys (SLIP-132) are not descriptor keys: give the same key as an ${expected}, as the wallet writes it in its descriptors`,
    );
  }
  if (/^[xt]pub/.test(text)) {
    return unsupported(
      `the ${text.slice(0, 4)} is not a valid extended public key (its base58 checksum, length or point is wrong): check it for a mistyped character`,
    );
  }
  if (/^(?:0[23][0-9a-fA-F]{64}|04[0-9a-fA-F]{128}|[0-9a-fA-F]{64})$/.test(text)) {
    return unsupported(
      `a single public key makes one address: forkline needs the wallet's extended public key (${expected}) to derive its addresses; register that one address instead`,
    );
  }
  return unsupported(`the descriptor's key is not an extended public key (${expected})`);
}

function decodePublic(text: string, network: NetworkName): BIP32Interface | undefined {
  try {
    const node = bip32.fromBase58(text, bitcoinNetwork(network));
    return node.isNeutered() ? node : undefined;
  } catch {
    return undefined;
  }
}

function unsupported(message: string): DescriptorRefusal {
  return { ok: false, code: 'UNSUPPORTED_DESCRIPTOR', message };
}
