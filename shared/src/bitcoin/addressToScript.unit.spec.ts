import { describe, expect, it } from 'vitest';
import { addressToScript } from './addressToScript.js';

// Vectors: BIP-173/BIP-350 test addresses and well-known regtest/testnet examples.
const valid = [
  {
    address: 'bcrt1qw508d6qejxtdg4y5r3zarvary0c5xw7kygt080',
    type: 'p2wpkh',
    script: '0014751e76e8199196d454941c45d1b3a323f1433bd6',
  },
  {
    address: 'bcrt1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3qzf4jry',
    type: 'p2wsh',
    script: '00201863143c14c5166804bd19203356da136c985678cd4d27a1b8c6329604903262',
  },
  {
    address: 'bcrt1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqc8gma6',
    type: 'p2tr',
    script: '512079be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798',
  },
  {
    address: 'mipcBbFg9gMiCh81Kj8tqqdgoZub1ZJRfn',
    type: 'p2pkh',
    script: '76a914243f1394f44554f4ce3fd68649c19adc483ce92488ac',
  },
  {
    address: '2MzQwSSnBHWHqSAqtTVQ6v47XtaisrJa1Vc',
    type: 'p2sh',
    script: 'a9144e9f39ca4688ff102128ea4ccda34105324305b087',
  },
] as const;

const invalid = [
  { input: 'bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4', code: 'WRONG_NETWORK', message: /mainnet address/ },
  { input: 'tb1qw508d6qejxtdg4y5r3zarvary0c5xw7kxpjzsx', code: 'WRONG_NETWORK', message: /testnet address/ },
  { input: '1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2', code: 'WRONG_NETWORK', message: /mainnet address/ },
  { input: 'hello', code: 'INVALID_ADDRESS', message: /not a Bitcoin address/ },
  { input: '', code: 'INVALID_ADDRESS', message: /not a Bitcoin address/ },
  { input: "'; DROP TABLE users; --", code: 'INVALID_ADDRESS', message: /not a Bitcoin address/ },
  // a bech32 checksum error (last character changed)
  {
    input: 'bcrt1qw508d6qejxtdg4y5r3zarvary0c5xw7kygt081',
    code: 'INVALID_ADDRESS',
    message: /not a Bitcoin address/,
  },
] as const;

describe('addressToScript', () => {
  it.each(valid)('$type $address', ({ address, type, script }) => {
    const parsed = addressToScript(address, 'regtest');
    expect(parsed).toMatchObject({ ok: true, type });
    if (parsed.ok) expect(parsed.scriptPubKey.toString('hex')).toBe(script);
  });

  it.each(invalid)('refuses $input', ({ input, code, message }) => {
    const parsed = addressToScript(input, 'regtest');
    expect(parsed).toMatchObject({ ok: false, code });
    if (!parsed.ok) expect(parsed.message).toMatch(message);
  });
});
