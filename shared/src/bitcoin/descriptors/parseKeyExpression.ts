import type { BIP32Interface } from 'bip32';
import type { NetworkName } from '../networks.js';
import type { DescriptorRefusal } from './descriptorRefusal.js';
import { readExtendedKey } from './readExtendedKey.js';
import type { WalletDescriptor } from './walletDescriptor.js';

const HARDENED = 0x80000000;

type Step =
  | { kind: 'index'; value: number; hardened: boolean }
  | { kind: 'multipath'; values: number[]; hardened: boolean }
  | { kind: 'wildcard'; hardened: boolean };

type Read<T> = ({ ok: true } & T) | DescriptorRefusal;

/**
 * Reads a descriptor's KEY (BIP-380): an optional origin `[fingerprint/84h/1h/0h]`, an
 * extended public key, unhardened steps, then the branch `/0` or `/<0;1>` and `/*`.
 */
export function parseKeyExpression(
  text: string,
  network: NetworkName,
): Read<{ node: BIP32Interface; steps: number[]; origin?: WalletDescriptor['origin'] }> {
  let rest = text;
  let origin: WalletDescriptor['origin'];
  if (rest.startsWith('[')) {
    const close = rest.indexOf(']');
    if (close === -1) return unsupported("the key origin opens with '[' but does not close with ']'");
    const read = parseOrigin(rest.slice(1, close));
    if (!read.ok) return read;
    origin = read.origin;
    rest = rest.slice(close + 1);
  }
  if (/[[\]]/.test(rest)) return unsupported('a key has at most one origin, in [ ] before it');
  const [keyText = '', ...pathTexts] = rest.split('/');
  const key = readExtendedKey(keyText, network);
  if (!key.ok) return key;
  const path = parsePath(pathTexts);
  if (!path.ok) return path;
  return { ok: true, node: key.node, steps: path.steps, ...(origin ? { origin } : {}) };
}

function parseOrigin(text: string): Read<{ origin: NonNullable<WalletDescriptor['origin']> }> {
  const [fingerprint = '', ...elements] = text.split('/');
  if (!/^[0-9a-fA-F]{8}$/.test(fingerprint)) {
    return unsupported(
      `the key origin's fingerprint is 8 hex characters, not ${JSON.stringify(shorten(fingerprint))}`,
    );
  }
  const path: number[] = [];
  for (const element of elements) {
    const step = parseIndex(element);
    if (!step) return unsupported(`${JSON.stringify(shorten(element))} in the key origin is not a step`);
    path.push(step.hardened ? step.value + HARDENED : step.value);
  }
  return { ok: true, origin: { fingerprint: fingerprint.toLowerCase(), path } };
}

/** The steps after the key: [...unhardened steps, branch 0 or <0;1>, *]. */
function parsePath(texts: string[]): Read<{ steps: number[] }> {
  const parsed: Step[] = [];
  for (const text of texts) {
    const step = parseStep(text);
    if (!step) return unsupported(`${JSON.stringify(shorten(text))} after the key is not a derivation step`);
    parsed.push(step);
  }
  const hardened = parsed.find((step) => step.hardened);
  if (hardened) {
    return {
      ok: false,
      code: 'HARDENED_DERIVATION',
      message:
        hardened.kind === 'wildcard'
          ? "a hardened wildcard (*' or *h) needs the private key to derive each address: forkline holds public keys only, use /0/*"
          : 'a hardened step after the extended public key needs the private key to derive: give the key at the last hardened step (its xpub or tpub), with that path in the key origin',
    };
  }
  const last = parsed.at(-1);
  if (last?.kind !== 'wildcard' || parsed.slice(0, -1).some((step) => step.kind === 'wildcard')) {
    return unsupported(
      'the key must end with /0/* (or /<0;1>/*): forkline watches a wallet, a range of addresses, not one key',
    );
  }
  const branch = parsed.at(-2);
  const isReceive =
    (branch?.kind === 'index' && branch.value === 0) ||
    (branch?.kind === 'multipath' && branch.values.join(';') === '0;1');
  if (!isReceive) {
    return unsupported(
      'the branch before /* must be /0 (receive) or /<0;1>: forkline watches the change branch /1/* with it',
    );
  }
  const steps: number[] = [];
  for (const step of parsed.slice(0, -2)) {
    if (step.kind !== 'index') return unsupported('only the branch before /* may be a multipath <0;1>');
    steps.push(step.value);
  }
  return { ok: true, steps };
}

function parseStep(text: string): Step | undefined {
  if (text === '*') return { kind: 'wildcard', hardened: false };
  if (text === "*'" || text === '*h') return { kind: 'wildcard', hardened: true };
  const multipath = /^<(.*)>$/.exec(text);
  if (multipath) {
    const indexes = (multipath[1] ?? '').split(';').map(parseIndex);
    if (indexes.length < 2 || indexes.some((index) => !index)) return undefined;
    const values = indexes.map((index) => index!.value);
    return { kind: 'multipath', values, hardened: indexes.some((index) => index!.hardened) };
  }
  const index = parseIndex(text);
  return index && { kind: 'index', ...index };
}

/** A BIP-32 step: a decimal below 2^31, `'` or `h` when hardened (BIP-380; `H` is not one). */
function parseIndex(text: string): { value: number; hardened: boolean } | undefined {
  const match = /^(\d{1,10})(['h]?)$/.exec(text);
  if (!match) return undefined;
  const value = Number(match[1]);
  if (value >= HARDENED) return undefined;
  return { value, hardened: match[2] !== '' };
}

function unsupported(message: string): DescriptorRefusal {
  return { ok: false, code: 'UNSUPPORTED_DESCRIPTOR', message };
}

function shorten(text: string): string {
  return text.length > 20 ? `${text.slice(0, 17)}...` : text;
}
