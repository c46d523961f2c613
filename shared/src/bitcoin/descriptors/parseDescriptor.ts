import type { NetworkName } from '../networks.js';
import { canonicalDescriptor } from './canonicalDescriptor.js';
import { containsPrivateKey } from './containsPrivateKey.js';
import { descriptorChecksum } from './descriptorChecksum.js';
import type { DescriptorRefusal } from './descriptorRefusal.js';
import { parseKeyExpression } from './parseKeyExpression.js';
import type { WalletDescriptor } from './walletDescriptor.js';

export type DescriptorParse = { ok: true; descriptor: WalletDescriptor } | DescriptorRefusal;

/**
 * A single-key wallet's descriptor is ~120 to 200 characters. A longer text is refused
 * before it is parsed, though after the private-key check: that one must see it all.
 */
const MAX_LENGTH = 1000;

/** BIP-380's character set is exactly the printable ASCII characters. */
const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

const CALL = /^([a-z_]{1,20})\((.*)\)$/;

const SUPPORTED =
  'forkline watches single-key wallets: wpkh(KEY), sh(wpkh(KEY)), pkh(KEY) or tr(KEY), KEY an extended public key ending /0/* or /<0;1>/*';

/**
 * Checks a wallet's output descriptor (BIP-380..386) for the network forkline follows
 * and normalises it, or says why it is refused. A private key is refused first and never
 * echoed; a checksum, when given, is verified before anything else is read.
 */
export function parseDescriptor(text: string, network: NetworkName): DescriptorParse {
  const input = text.trim();
  if (containsPrivateKey(input)) {
    return {
      ok: false,
      code: 'PRIVATE_KEY_REFUSED',
      message:
        "the descriptor holds a private key (an xprv, tprv or WIF key): forkline takes a wallet's public descriptor only; export it without private keys and keep the private key off this service",
    };
  }
  if (input.length > MAX_LENGTH) {
    return unsupported(`the descriptor is ${input.length} characters long, more than ${MAX_LENGTH}`);
  }
  if (!PRINTABLE_ASCII.test(input)) {
    return unsupported('a descriptor holds printable ASCII characters only (BIP-380)');
  }
  const body = withoutChecksum(input);
  if (!body.ok) return body;
  const script = readScript(body.text);
  if (!script.ok) return script;
  const key = parseKeyExpression(script.key, network);
  if (!key.ok) return key;
  const wallet = {
    type: script.type,
    accountKey: key.node,
    steps: key.steps,
    ...(key.origin ? { origin: key.origin } : {}),
  };
  return {
    ok: true,
    descriptor: {
      ...wallet,
      network,
      canonical: canonicalDescriptor(wallet, 0),
      changeCanonical: canonicalDescriptor(wallet, 1),
    },
  };
}

function withoutChecksum(input: string): { ok: true; text: string } | DescriptorRefusal {
  const hash = input.indexOf('#');
  if (hash === -1) return { ok: true, text: input };
  const text = input.slice(0, hash);
  const checksum = input.slice(hash + 1);
  if (checksum.includes('#')) {
    return badChecksum("the descriptor has more than one '#': a single one separates the checksum");
  }
  if (checksum.length !== 8) {
    return badChecksum(`the checksum after '#' is 8 characters, not ${checksum.length}`);
  }
  if (descriptorChecksum(text) !== checksum) {
    return badChecksum(
      "the checksum after '#' does not match the descriptor (BIP-380): a character was mistyped or changed since the checksum was made",
    );
  }
  return { ok: true, text };
}

function readScript(
  text: string,
): { ok: true; type: WalletDescriptor['type']; key: string } | DescriptorRefusal {
  const call = CALL.exec(text);
  if (!call) return unsupported(`the text is not a descriptor SCRIPT(KEY): ${SUPPORTED}`);
  const [, name = '', argument = ''] = call;
  switch (name) {
    case 'wpkh':
    case 'pkh':
      return oneKey(name, name, argument);
    case 'sh': {
      const inner = CALL.exec(argument);
      if (inner?.[1] === 'wpkh') return oneKey('sh-wpkh', 'wpkh', inner[2] ?? '');
      return unsupported(`sh(${inner ? `${inner[1]}()` : '...'}) is not supported: ${SUPPORTED}`);
    }
    case 'tr':
      if (argument.includes(',')) {
        return unsupported(
          'tr() with a script tree is not supported: forkline watches taproot wallets spent by key path, tr(KEY) (BIP-86)',
        );
      }
      return { ok: true, type: 'tr', key: argument };
    default:
      return unsupported(`${name}() descriptors are not supported: ${SUPPORTED}`);
  }
}

function oneKey(
  type: WalletDescriptor['type'],
  name: string,
  key: string,
): { ok: true; type: WalletDescriptor['type']; key: string } | DescriptorRefusal {
  if (key.includes(',')) return unsupported(`${name}() takes one key: ${SUPPORTED}`);
  return { ok: true, type, key };
}

function unsupported(message: string): DescriptorRefusal {
  return { ok: false, code: 'UNSUPPORTED_DESCRIPTOR', message };
}

function badChecksum(message: string): DescriptorRefusal {
  return { ok: false, code: 'BAD_CHECKSUM', message };
}
