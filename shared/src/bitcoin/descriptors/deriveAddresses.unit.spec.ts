import { describe, expect, it } from 'vitest';
import type { NetworkName } from '../networks.js';
import { deriveAddresses } from './deriveAddresses.js';
import { parseDescriptor } from './parseDescriptor.js';
import type { WalletDescriptor } from './walletDescriptor.js';

function parsed(text: string, network: NetworkName): WalletDescriptor {
  const result = parseDescriptor(text, network);
  if (!result.ok) throw new Error(`${result.code}: ${result.message}`);
  return result.descriptor;
}

// The wallet of the mnemonic "abandon abandon ... about" (no passphrase, master
// fingerprint 73c5da0a), account 0 of each standard path, mainnet.
// - BIP-84 and BIP-86 "Test vectors": BIP-84 prints the account key as a zpub, given
//   here as the same key in xpub form, as descriptors write it; BIP-86 prints the xpub.
// - BIP-44 and BIP-49 publish none: their account keys and first receive addresses are
//   SLIP-132's "Bitcoin test vectors" (BIP-49's ypub in xpub form), their first change
//   addresses those of the same wallet in Trezor's and Ian Coleman's BIP-39 tool tests.
const accounts = [
  {
    bip: 'BIP-84 wpkh',
    descriptor:
      'wpkh([73c5da0a/84h/0h/0h]xpub6CatWdiZiodmUeTDp8LT5or8nmbKNcuyvz7WyksVFkKB4RHwCD3XyuvPEbvqAQY3rAPshWcMLoP2fMFMKHPJ4ZeZXYVUhLv1VMrjPC7PW6V/0/*)',
    receive: ['bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu', 'bc1qnjg0jd8228aq7egyzacy8cys3knf9xvrerkf9g'],
    change: 'bc1q8c6fshw2dlwun7ekn9qwf37cu2rn755upcp6el',
  },
  {
    bip: 'BIP-49 sh(wpkh)',
    descriptor:
      'sh(wpkh([73c5da0a/49h/0h/0h]xpub6C6nQwHaWbSrzs5tZ1q7m5R9cPK9eYpNMFesiXsYrgc1P8bvLLAet9JfHjYXKjToD8cBRswJXXbbFpXgwsswVPAZzKMa1jUp2kVkGVUaJa7/0/*))',
    receive: ['37VucYSaXLCAsxYyAPfbSi9eh4iEcbShgf', '3LtMnn87fqUeHBUG414p9CWwnoV6E2pNKS'],
    change: '34K56kSjgUCUSD8GTtuF7c9Zzwokbs6uZ7',
  },
  {
    bip: 'BIP-44 pkh',
    descriptor:
      'pkh([73c5da0a/44h/0h/0h]xpub6BosfCnifzxcFwrSzQiqu2DBVTshkCXacvNsWGYJVVhhawA7d4R5WSWGFNbi8Aw6ZRc1brxMyWMzG3DSSSSoekkudhUd9yLb6qx39T9nMdj/0/*)',
    receive: ['1LqBGSKuX5yYUonjxT5qGfpUsXKYYWeabA', '1Ak8PffB2meyfYnbXZR9EGfLfFZVpzJvQP'],
    change: '1J3J6EvPrv8q6AC3VCjWV45Uf3nssNMRtH',
  },
  {
    bip: 'BIP-86 tr',
    descriptor:
      'tr([73c5da0a/86h/0h/0h]xpub6BgBgsespWvERF3LHQu6CnqdvfEvtMcQjYrcRzx53QJjSxarj2afYWcLteoGVky7D3UKDP9QyrLprQ3VCECoY49yfdDEHGCtMMj92pReUsQ/0/*)',
    receive: [
      'bc1p5cyxnuxmeuwuvkwfem96lqzszd02n6xdcjrs20cac6yqjjwudpxqkedrcr',
      'bc1p4qhjn9zdvkux4e44uhx8tc55attvtyu358kutcqkudyccelu0was9fqzwh',
    ],
    change: 'bc1p3qkhfews2uk44qtvauqyr2ttdsw7svhkl9nkm9s9c3x4ax5h60wqwruhk7',
  },
] as const;

describe('deriveAddresses', () => {
  it.each(accounts)('$bip: first receive and change addresses', ({ descriptor, receive, change }) => {
    const wallet = parsed(descriptor, 'mainnet');
    expect(deriveAddresses(wallet, 0, 0, 2).map((a) => a.address)).toEqual(receive);
    expect(deriveAddresses(wallet, 1, 0, 1).map((a) => a.address)).toEqual([change]);
  });

  it('BIP-86: the scripts of the test vectors, with their indexes', () => {
    const wallet = parsed(accounts[3].descriptor, 'mainnet');
    expect(
      deriveAddresses(wallet, 0, 0, 2).map(({ index, scriptPubKey }) => [
        index,
        scriptPubKey.toString('hex'),
      ]),
    ).toEqual([
      [0, '5120a60869f0dbcf1dc659c9cecbaf8050135ea9e8cdc487053f1dc6880949dc684c'],
      [1, '5120a82f29944d65b86ae6b5e5cc75e294ead6c59391a1edc5e016e3498c67fc7bbb'],
    ]);
    expect(deriveAddresses(wallet, 1, 0, 1)[0]?.scriptPubKey.toString('hex')).toBe(
      '5120882d74e5d0572d5a816cef0041a96b6c1de832f6f9676d9605c44d5e9a97d3dc',
    );
  });

  // Bitcoin Core test/functional/rpc_deriveaddresses.py: deriveaddresses of
  // wpkh(tpub.../1/1/*) at 0, 1 and 2 on regtest, i.e. the change branch of .../1/<0;1>/*.
  it('a tpub on regtest gives the bcrt1 addresses Bitcoin Core derives', () => {
    const wallet = parsed(
      'wpkh(tpubD6NzVbkrYhZ4WaWSyoBvQwbpLkojyoTZPRsgXELWz3Popb3qkjcJyJUGLnL4qHHoQvao8ESaAstxYSnhyswJ76uZPStJRJCTKvosUCJZL5B/1/<0;1>/*)',
      'regtest',
    );
    expect(deriveAddresses(wallet, 1, 0, 3).map((a) => a.address)).toEqual([
      'bcrt1qjqmxmkpmxt80xz4y3746zgt0q3u3ferr34acd5',
      'bcrt1qhku5rq7jz8ulufe2y6fkcpnlvpsta7rq4442dy',
      'bcrt1qpgptk2gvshyl0s9lqshsmx932l9ccsv265tvaq',
    ]);
    expect(deriveAddresses(wallet, 1, 1, 1)).toEqual([
      expect.objectContaining({ index: 1, address: 'bcrt1qhku5rq7jz8ulufe2y6fkcpnlvpsta7rq4442dy' }),
    ]);
  });

  it('spells the same key tb1 on testnet and signet, bcrt1 on regtest', () => {
    const text =
      'tr(tpubD6NzVbkrYhZ4WaWSyoBvQwbpLkojyoTZPRsgXELWz3Popb3qkjcJyJUGLnL4qHHoQvao8ESaAstxYSnhyswJ76uZPStJRJCTKvosUCJZL5B/0/*)';
    const [regtest] = deriveAddresses(parsed(text, 'regtest'), 0, 0, 1);
    const [testnet] = deriveAddresses(parsed(text, 'testnet'), 0, 0, 1);
    const [signet] = deriveAddresses(parsed(text, 'signet'), 0, 0, 1);
    expect(regtest?.address).toMatch(/^bcrt1p/);
    expect(testnet?.address).toMatch(/^tb1p/);
    expect(signet?.address).toBe(testnet?.address);
    expect(regtest?.scriptPubKey).toEqual(testnet?.scriptPubKey);
  });

  it('derives nothing for a count of 0 and refuses indexes outside 0 .. 2^31 - 1', () => {
    const wallet = parsed(accounts[0].descriptor, 'mainnet');
    expect(deriveAddresses(wallet, 0, 5, 0)).toEqual([]);
    expect(deriveAddresses(wallet, 0, 0x7fffffff, 1)).toHaveLength(1);
    expect(() => deriveAddresses(wallet, 0, -1, 1)).toThrow(RangeError);
    expect(() => deriveAddresses(wallet, 0, 0x7fffffff, 2)).toThrow(RangeError);
    expect(() => deriveAddresses(wallet, 0, 0, 1.5)).toThrow(RangeError);
  });
});
