import { describe, expect, it } from 'vitest';
import { parseDescriptor } from './parseDescriptor.js';

const H = 0x80000000;

// Bitcoin Core test/functional/wallet_listdescriptors.py: a wallet given as
// wpkh(tprv/84h/1h/0h/0/*) is listed as the account tpub with its origin, hardened
// steps as `h`; the checksum is BIP-380's over that text.
const CORE_TPRV =
  'tprv8ZgxMBicQKsPeuVhWwi6wuMQGfPKi9Li5GtX35jVNknACgqe3CY4g5xgkfDDJcmtF7o1QnxWDRYw4H5P26PXq7sbcUkEqeR4fg3Kxp2tigg';
const CORE_TPUB_ACCOUNT =
  'tpubDCMVLhErorrAGfApiJSJzEKwqeaf2z3NrkVMxgYQjZLzMjXMBeRw2muGNYbvaekAE8rUFLftyEar4LdrG2wXyyTJQZ26zptmeTEjPTaATts';
const CANONICAL = `wpkh([80002067/84h/1h/0h]${CORE_TPUB_ACCOUNT}/0/*)#hn4rxqvd`;
const CHANGE_CANONICAL = `wpkh([80002067/84h/1h/0h]${CORE_TPUB_ACCOUNT}/1/*)#x8szm4u4`;

// BIP-84's account key (in xpub form) and BIP-380's key-expression vectors.
const XPUB84 =
  'xpub6CatWdiZiodmUeTDp8LT5or8nmbKNcuyvz7WyksVFkKB4RHwCD3XyuvPEbvqAQY3rAPshWcMLoP2fMFMKHPJ4ZeZXYVUhLv1VMrjPC7PW6V';
const ZPUB84 =
  'zpub6rFR7y4Q2AijBEqTUquhVz398htDFrtymD9xYYfG1m4wAcvPhXNfE3EfH1r1ADqtfSdVCToUG868RvUUkgDKf31mGDtKsAYz2oz2AGutZYs';
const BIP380_XPUB =
  'xpub6ERApfZwUNrhLCkDtcHTcxd75RbzS1ed54G1LkBUHQVHQKqhMkhgbmJbZRkrgZw4koxb5JaHWkY4ALHY2grBGRjaDMzQLcgJvLJuZZvRcEL';
const BIP380_XPRV =
  'xprvA1RpRA33e1JQ7ifknakTFpgNXPmW2YvmhqLQYMmrj4xJXXWYpDPS3xz7iAxn8L39njGVyuoseXzU6rcxFLJ8HFsTjSyQbLYnMpCqE2VbFWc';
const TPUB =
  'tpubD6NzVbkrYhZ4WaWSyoBvQwbpLkojyoTZPRsgXELWz3Popb3qkjcJyJUGLnL4qHHoQvao8ESaAstxYSnhyswJ76uZPStJRJCTKvosUCJZL5B';

describe('parseDescriptor', () => {
  it('normalises a wallet the way Bitcoin Core lists it', () => {
    const parsed = parseDescriptor(`wpkh([80002067/84'/1'/0']${CORE_TPUB_ACCOUNT}/0/*)`, 'regtest');
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    const { descriptor } = parsed;
    expect(descriptor).toMatchObject({
      type: 'wpkh',
      network: 'regtest',
      steps: [],
      origin: { fingerprint: '80002067', path: [84 + H, 1 + H, 0 + H] },
      canonical: CANONICAL,
      changeCanonical: CHANGE_CANONICAL,
    });
    expect(descriptor.accountKey.toBase58()).toBe(CORE_TPUB_ACCOUNT);
    expect(descriptor.accountKey.isNeutered()).toBe(true);
  });

  it.each([
    ['apostrophes', `wpkh([80002067/84'/1'/0']${CORE_TPUB_ACCOUNT}/0/*)`],
    ['h', `wpkh([80002067/84h/1h/0h]${CORE_TPUB_ACCOUNT}/0/*)`],
    ['mixed markers (BIP-380)', `wpkh([80002067/84'/1h/0']${CORE_TPUB_ACCOUNT}/0/*)`],
    [
      'upper-case fingerprint',
      `wpkh([80002067/84h/1h/0h]${CORE_TPUB_ACCOUNT}/0/*)`.replace('80002067', '80002067'.toUpperCase()),
    ],
    ['multipath <0;1>', `wpkh([80002067/84h/1h/0h]${CORE_TPUB_ACCOUNT}/<0;1>/*)`],
    ['a leading zero', `wpkh([80002067/084h/1h/0h]${CORE_TPUB_ACCOUNT}/00/*)`],
    ['its checksum and spaces around it', `  ${CANONICAL}\n`],
  ])('gives one canonical form to the same wallet spelled with %s', (_, text) => {
    expect(parseDescriptor(text, 'regtest')).toMatchObject({
      ok: true,
      descriptor: { canonical: CANONICAL, changeCanonical: CHANGE_CANONICAL },
    });
  });

  it.each([
    ['wpkh', `wpkh(${XPUB84}/0/*)`],
    ['sh-wpkh', `sh(wpkh(${XPUB84}/0/*))`],
    ['pkh', `pkh(${XPUB84}/0/*)`],
    ['tr', `tr(${XPUB84}/0/*)`],
  ])('reads %s without a key origin', (type, text) => {
    const parsed = parseDescriptor(text, 'mainnet');
    expect(parsed).toMatchObject({ ok: true, descriptor: { type, steps: [] } });
    if (!parsed.ok) return;
    expect(parsed.descriptor.origin).toBeUndefined();
    expect(parsed.descriptor.canonical).toMatch(
      new RegExp(`^${text.replace(/[()*]/g, '\\$&')}#[a-z0-9]{8}$`),
    );
    expect(parsed.descriptor.changeCanonical.replace(/#.*/, '')).toBe(text.replace('/0/*', '/1/*'));
  });

  it('keeps unhardened steps between the key and the branch', () => {
    const parsed = parseDescriptor(`pkh(${TPUB}/5/7/<0;1>/*)`, 'signet');
    expect(parsed).toMatchObject({ ok: true, descriptor: { type: 'pkh', network: 'signet', steps: [5, 7] } });
    if (parsed.ok) expect(parsed.descriptor.changeCanonical).toMatch(/\/5\/7\/1\/\*\)#/);
  });
});

// Each refusal with what a user would paste: its code, and a message that names the problem.
const refused = [
  // A private key anywhere
  {
    name: 'Core listdescriptors(private=true) output',
    input: `wpkh(${CORE_TPRV}/84h/1h/0h/0/*)`,
    code: 'PRIVATE_KEY_REFUSED',
    message: /private key/,
  },
  {
    name: 'xprv with key origin (BIP-380)',
    input: `wpkh([deadbeef/0h/1h/2h]${BIP380_XPRV}/0/*)`,
    code: 'PRIVATE_KEY_REFUSED',
    message: /private key/,
  },
  {
    name: 'xprv with a mistyped character',
    input: `tr(${BIP380_XPRV.slice(0, -1)}d/0/*)`,
    code: 'PRIVATE_KEY_REFUSED',
    message: /private key/,
  },
  {
    name: 'WIF, compressed (BIP-380)',
    input: 'wpkh(L4rK1yDtCWekvXuE6oXD9jCYfFNV2cWRpVuPLBcCU2z8TrisoyY1)',
    code: 'PRIVATE_KEY_REFUSED',
    message: /private key/,
  },
  {
    name: 'WIF, uncompressed (BIP-380)',
    input: 'pkh(5KYZdUEo39z3FPrtuX2QbbwGnNP5zTd7yyr2SC1j299sBCnWjss)',
    code: 'PRIVATE_KEY_REFUSED',
    message: /private key/,
  },
  // The key of another network
  {
    name: 'an xpub on regtest',
    input: `wpkh(${XPUB84}/0/*)`,
    network: 'regtest',
    code: 'WRONG_NETWORK',
    message: /an xpub, a mainnet key, but this forkline follows regtest: give the wallet's tpub/,
  },
  {
    name: 'a tpub on mainnet',
    input: `wpkh([80002067/84h/1h/0h]${CORE_TPUB_ACCOUNT}/0/*)`,
    network: 'mainnet',
    code: 'WRONG_NETWORK',
    message: /a tpub, a test-network key, but this forkline follows mainnet: give the wallet's xpub/,
  },
  // A checksum that does not match
  {
    name: 'a mistyped checksum',
    input: CANONICAL.replace(/#hn4rxqvd$/, '#hn4rxqve'),
    code: 'BAD_CHECKSUM',
    message: /does not match/,
  },
  {
    name: "h changed to ' after the checksum was made",
    input: CANONICAL.replaceAll('h/', "'/").replace('0h]', "0']"),
    code: 'BAD_CHECKSUM',
    message: /does not match/,
  },
  // Hardened derivation after the public key
  {
    name: 'hardened steps, unhardened children (BIP-380)',
    input: `wpkh(${BIP380_XPUB}/3h/4h/5h/*)`,
    code: 'HARDENED_DERIVATION',
    message: /hardened step .* needs the private key/,
  },
  {
    name: 'hardened children (BIP-380)',
    input: `wpkh([deadbeef/0h/1h/2]${BIP380_XPUB}/3h/4h/5h/*h)`,
    code: 'HARDENED_DERIVATION',
    message: /hardened/,
  },
  {
    name: "a hardened wildcard *'",
    input: `wpkh(${XPUB84}/0/*')`,
    code: 'HARDENED_DERIVATION',
    message: /hardened wildcard/,
  },
  {
    name: 'a hardened wildcard *h',
    input: `tr(${XPUB84}/0/*h)`,
    code: 'HARDENED_DERIVATION',
    message: /hardened wildcard/,
  },
  {
    name: 'Core rpc_deriveaddresses hardened_without_privkey',
    input: `wpkh(${TPUB}/1'/1/0)`,
    network: 'regtest',
    code: 'HARDENED_DERIVATION',
    message: /hardened step/,
  },
  {
    name: 'a hardened multipath',
    input: `wpkh(${XPUB84}/<0h;1h>/*)`,
    code: 'HARDENED_DERIVATION',
    message: /hardened/,
  },
  // Scripts and shapes forkline does not watch
  {
    name: 'wsh(multi)',
    input: `wsh(multi(1,${XPUB84}/0/*,${BIP380_XPUB}/0/*))`,
    code: 'UNSUPPORTED_DESCRIPTOR',
    message: /^wsh\(\) descriptors are not supported: forkline watches single-key wallets/,
  },
  {
    name: 'sh(multi)',
    input: `sh(multi(1,${XPUB84}/0/*))`,
    code: 'UNSUPPORTED_DESCRIPTOR',
    message: /^sh\(multi\(\)\) is not supported/,
  },
  {
    name: 'wpkh with two keys',
    input: `wpkh(${XPUB84}/0/*,${BIP380_XPUB}/0/*)`,
    code: 'UNSUPPORTED_DESCRIPTOR',
    message: /^wpkh\(\) takes one key/,
  },
  {
    name: 'sh(wpkh) with two keys',
    input: `sh(wpkh(${XPUB84}/0/*,${BIP380_XPUB}/0/*))`,
    code: 'UNSUPPORTED_DESCRIPTOR',
    message: /^wpkh\(\) takes one key/,
  },
  {
    name: 'combo',
    input: `combo(${XPUB84}/0/*)`,
    code: 'UNSUPPORTED_DESCRIPTOR',
    message: /^combo\(\) descriptors/,
  },
  { name: 'pk', input: `pk(${XPUB84}/0/*)`, code: 'UNSUPPORTED_DESCRIPTOR', message: /^pk\(\) descriptors/ },
  { name: 'raw', input: 'raw(deadbeef)', code: 'UNSUPPORTED_DESCRIPTOR', message: /^raw\(\) descriptors/ },
  {
    name: 'addr',
    input: 'addr(bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu)',
    code: 'UNSUPPORTED_DESCRIPTOR',
    message: /^addr\(\) descriptors/,
  },
  {
    name: 'tr with a script tree',
    input: `tr(${XPUB84}/0/*,{pk(${BIP380_XPUB}/0/*),pk(${BIP380_XPUB}/1/*)})`,
    code: 'UNSUPPORTED_DESCRIPTOR',
    message: /script tree/,
  },
  {
    name: 'no wildcard',
    input: `wpkh(${XPUB84})`,
    code: 'UNSUPPORTED_DESCRIPTOR',
    message: /must end with \/0\/\*/,
  },
  {
    name: 'one child key',
    input: `wpkh(${XPUB84}/0/5)`,
    code: 'UNSUPPORTED_DESCRIPTOR',
    message: /must end with/,
  },
  {
    name: 'a wildcard before the end',
    input: `wpkh(${XPUB84}/*/0/*)`,
    code: 'UNSUPPORTED_DESCRIPTOR',
    message: /must end with/,
  },
  {
    name: 'the change branch',
    input: `wpkh(${XPUB84}/1/*)`,
    code: 'UNSUPPORTED_DESCRIPTOR',
    message: /branch before \/\* must be \/0/,
  },
  { name: 'branch 2', input: `wpkh(${XPUB84}/2/*)`, code: 'UNSUPPORTED_DESCRIPTOR', message: /branch/ },
  {
    name: 'multipath <1;0>',
    input: `wpkh(${XPUB84}/<1;0>/*)`,
    code: 'UNSUPPORTED_DESCRIPTOR',
    message: /branch/,
  },
  {
    name: 'multipath <0;1;2>',
    input: `wpkh(${XPUB84}/<0;1;2>/*)`,
    code: 'UNSUPPORTED_DESCRIPTOR',
    message: /branch/,
  },
  {
    name: 'a multipath step',
    input: `wpkh(${XPUB84}/<0;1>/0/*)`,
    code: 'UNSUPPORTED_DESCRIPTOR',
    message: /only the branch/,
  },
  {
    name: 'a trailing slash',
    input: `wpkh(${XPUB84}/0/*/)`,
    code: 'UNSUPPORTED_DESCRIPTOR',
    message: /not a derivation step/,
  },
  {
    name: 'index out of range (BIP-380)',
    input: `wpkh(${XPUB84}/2147483648/0/*)`,
    code: 'UNSUPPORTED_DESCRIPTOR',
    message: /"2147483648" after the key is not a derivation step/,
  },
  {
    name: 'SLIP-132 zpub (BIP-84)',
    input: `wpkh(${ZPUB84}/0/*)`,
    code: 'UNSUPPORTED_DESCRIPTOR',
    message: /zpub keys \(SLIP-132\) are not descriptor keys: give the same key as an xpub/,
  },
  {
    name: 'a mistyped xpub',
    input: `wpkh(${XPUB84.replace('WdiZ', 'WdZi')}/0/*)`,
    code: 'UNSUPPORTED_DESCRIPTOR',
    message: /not a valid extended public key/,
  },
  {
    name: 'a single public key (BIP-84 m/84h/0h/0h/0/0)',
    input: 'wpkh(0330d54fd0dd420a6e5f8d3624f5f3482cae350f79d5f0753bf5beef9c2d91af3c)',
    code: 'UNSUPPORTED_DESCRIPTOR',
    message: /single public key makes one address/,
  },
  {
    name: 'too short fingerprint (BIP-380)',
    input: `wpkh([deadbef/0h/0h/0h]${XPUB84}/0/*)`,
    code: 'UNSUPPORTED_DESCRIPTOR',
    message: /fingerprint is 8 hex characters, not "deadbef"/,
  },
  {
    name: 'H as hardened indicator (BIP-380)',
    input: `wpkh([deadbeef/0H/0H/0H]${XPUB84}/0/*)`,
    code: 'UNSUPPORTED_DESCRIPTOR',
    message: /"0H" in the key origin is not a step/,
  },
  {
    name: 'negative step (BIP-380)',
    input: `wpkh([deadbeef/-0/-0/-0]${XPUB84}/0/*)`,
    code: 'UNSUPPORTED_DESCRIPTOR',
    message: /key origin is not a step/,
  },
  {
    name: 'two key origins (BIP-380)',
    input: `wpkh([aaaaaaaa][aaaaaaaa]${XPUB84}/0/*)`,
    code: 'UNSUPPORTED_DESCRIPTOR',
    message: /at most one origin/,
  },
  {
    name: 'key origin start missing (BIP-380)',
    input: `wpkh(aaaaaaaa]${XPUB84}/0/*)`,
    code: 'UNSUPPORTED_DESCRIPTOR',
    message: /at most one origin/,
  },
  {
    name: 'an unclosed key origin',
    input: `wpkh([aaaaaaaa${XPUB84}/0/*)`,
    code: 'UNSUPPORTED_DESCRIPTOR',
    message: /does not close/,
  },
  {
    name: 'an upper-case script',
    input: `WPKH(${XPUB84}/0/*)`,
    code: 'UNSUPPORTED_DESCRIPTOR',
    message: /not a descriptor/,
  },
  {
    name: 'an address',
    input: 'bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu',
    code: 'UNSUPPORTED_DESCRIPTOR',
    message: /not a descriptor/,
  },
  { name: 'nothing', input: '', code: 'UNSUPPORTED_DESCRIPTOR', message: /not a descriptor/ },
  {
    name: 'a look-alike asterisk',
    input: `wpkh(${XPUB84}/0/\u2217)`,
    code: 'UNSUPPORTED_DESCRIPTOR',
    message: /printable ASCII/,
  },
  {
    name: 'a very long text',
    input: `wpkh(${XPUB84}${'/1'.repeat(600)}/0/*)`,
    code: 'UNSUPPORTED_DESCRIPTOR',
    message: /more than 1000/,
  },
] as const;

describe('parseDescriptor refuses', () => {
  it.each(refused)('$name: $code', (c) => {
    const parsed = parseDescriptor(c.input, 'network' in c ? c.network : 'mainnet');
    expect(parsed).toMatchObject({ ok: false, code: c.code });
    if (!parsed.ok) expect(parsed.message).toMatch(c.message);
  });

  it('never echoes a private key, not even part of it', () => {
    for (const c of refused.filter((r) => r.code === 'PRIVATE_KEY_REFUSED')) {
      const parsed = parseDescriptor(c.input, 'mainnet');
      if (parsed.ok) throw new Error(`${c.name} was accepted`);
      for (const run of c.input.match(/[1-9A-HJ-NP-Za-km-z]{6,}/g) ?? []) {
        expect(parsed.message).not.toContain(run.slice(0, 6));
      }
    }
  });
});
