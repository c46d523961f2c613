import { address as bitcoinAddress, initEccLib, networks, payments } from 'bitcoinjs-lib';
import * as ecc from 'tiny-secp256k1';
import type { AddressType } from '../events/types.js';
import { bitcoinNetwork, type NetworkName } from './networks.js';

// Taproot addresses are validated as x-only curve points, which needs an ECC backend.
initEccLib(ecc);

export type AddressParse =
  | { ok: true; address: string; scriptPubKey: Buffer; type: AddressType }
  | { ok: false; code: 'INVALID_ADDRESS' | 'WRONG_NETWORK'; message: string };

const ALL_NETWORKS: NetworkName[] = ['mainnet', 'testnet', 'regtest'];

/**
 * Converts an address to its scriptPubKey once, at registration, so the crawler
 * matches outputs by script bytes. Distinguishes an address of another network
 * from a string that is no address at all, for a clear error.
 */
export function addressToScript(input: string, network: NetworkName): AddressParse {
  const candidate = input.trim();
  const script = tryScript(candidate, network);
  if (script) {
    const type = scriptType(script);
    if (type) return { ok: true, address: candidate, scriptPubKey: script, type };
    return {
      ok: false,
      code: 'INVALID_ADDRESS',
      message: `${JSON.stringify(candidate)} is not a standard address`,
    };
  }
  const other = ALL_NETWORKS.find((n) => n !== network && tryScript(candidate, n));
  if (other) {
    return {
      ok: false,
      code: 'WRONG_NETWORK',
      message: `${JSON.stringify(candidate)} is a ${other} address, but this forkline follows ${network}`,
    };
  }
  return {
    ok: false,
    code: 'INVALID_ADDRESS',
    message: `${JSON.stringify(shorten(candidate))} is not a Bitcoin address`,
  };
}

function tryScript(candidate: string, network: NetworkName): Buffer | undefined {
  try {
    return Buffer.from(bitcoinAddress.toOutputScript(candidate, bitcoinNetwork(network)));
  } catch {
    return undefined;
  }
}

/** The standard template a script's bytes follow: only that payment type is then checked. */
function templateOf(s: Uint8Array): AddressType | undefined {
  if (
    s.length === 25 &&
    s[0] === 0x76 &&
    s[1] === 0xa9 &&
    s[2] === 0x14 &&
    s[23] === 0x88 &&
    s[24] === 0xac
  ) {
    return 'p2pkh';
  }
  if (s.length === 23 && s[0] === 0xa9 && s[1] === 0x14 && s[22] === 0x87) return 'p2sh';
  if (s.length === 22 && s[0] === 0x00 && s[1] === 0x14) return 'p2wpkh';
  if (s.length === 34 && s[0] === 0x00 && s[1] === 0x20) return 'p2wsh';
  if (s.length === 34 && s[0] === 0x51 && s[1] === 0x20) return 'p2tr';
  return undefined;
}

const PAYMENTS: Record<AddressType, (output: Uint8Array) => unknown> = {
  p2pkh: (output) => payments.p2pkh({ output, network: networks.regtest }),
  p2sh: (output) => payments.p2sh({ output, network: networks.regtest }),
  p2wpkh: (output) => payments.p2wpkh({ output, network: networks.regtest }),
  p2wsh: (output) => payments.p2wsh({ output, network: networks.regtest }),
  p2tr: (output) => payments.p2tr({ output, network: networks.regtest }),
};

/**
 * The standard type of an output script, or undefined for anything else. The template
 * picks the candidate and bitcoinjs-lib confirms it (for p2tr, that the key is a curve
 * point), so an ordinary script costs one check, not a thrown error per type tried first.
 */
export function scriptType(script: Uint8Array): AddressType | undefined {
  const type = templateOf(script);
  if (type === undefined) return undefined;
  try {
    PAYMENTS[type](script);
    return type;
  } catch {
    return undefined;
  }
}

function shorten(s: string): string {
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}
