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

/** The standard type of an output script, or undefined for anything else. */
export function scriptType(script: Uint8Array): AddressType | undefined {
  const checks: [AddressType, () => unknown][] = [
    ['p2pkh', () => payments.p2pkh({ output: script, network: networks.regtest })],
    ['p2sh', () => payments.p2sh({ output: script, network: networks.regtest })],
    ['p2wpkh', () => payments.p2wpkh({ output: script, network: networks.regtest })],
    ['p2wsh', () => payments.p2wsh({ output: script, network: networks.regtest })],
    ['p2tr', () => payments.p2tr({ output: script, network: networks.regtest })],
  ];
  for (const [type, check] of checks) {
    try {
      check();
      return type;
    } catch {
      // not this type
    }
  }
  return undefined;
}

function shorten(s: string): string {
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}
