import { BIP32Factory } from 'bip32';
import * as ecc from 'tiny-secp256k1';
import { describe, expect, it } from 'vitest';
import { seededRandom, type SeededRandom } from '../../testing/seededRandom.js';
import { addressToScript } from '../addressToScript.js';
import { bitcoinNetwork, type NetworkName } from '../networks.js';
import { deriveAddresses } from './deriveAddresses.js';
import { descriptorChecksum } from './descriptorChecksum.js';
import { parseDescriptor } from './parseDescriptor.js';
import type { WalletDescriptor } from './walletDescriptor.js';

const bip32 = BIP32Factory(ecc);
const SEEDS = [1, 2, 3, 5, 8, 13, 21, 34];
const NETWORKS: NetworkName[] = ['mainnet', 'testnet', 'signet', 'regtest'];
const WRAP: Record<WalletDescriptor['type'], (key: string) => string> = {
  wpkh: (key) => `wpkh(${key})`,
  'sh-wpkh': (key) => `sh(wpkh(${key}))`,
  pkh: (key) => `pkh(${key})`,
  tr: (key) => `tr(${key})`,
};

/** A random wallet of a random type, in one of the spellings a user may paste. */
function randomDescriptorText(rnd: SeededRandom, network: NetworkName): string {
  const seed = Uint8Array.from({ length: 32 }, () => rnd.int(0, 255));
  const purpose = rnd.pick([44, 49, 84, 86]);
  const account = bip32
    .fromSeed(seed, bitcoinNetwork(network))
    .derivePath(`m/${purpose}'/${network === 'mainnet' ? 0 : 1}'/${rnd.int(0, 3)}'`)
    .neutered();
  const marker = (): string => rnd.pick(["'", 'h']);
  const origin =
    rnd.next() < 0.7
      ? `[${rnd.pick(['73c5da0a', 'DEADBEEF'])}/${purpose}${marker()}/1${marker()}/0${marker()}]`
      : '';
  const steps = Array.from({ length: rnd.int(0, 2) }, () => `/${rnd.int(0, 1000)}`).join('');
  const branch = rnd.pick(['/0', '/<0;1>', '/00']);
  const body = WRAP[rnd.pick(['wpkh', 'sh-wpkh', 'pkh', 'tr'] as const)](
    `${origin}${account.toBase58()}${steps}${branch}/*`,
  );
  return rnd.next() < 0.5 ? body : `${body}#${descriptorChecksum(body)}`;
}

function parsed(text: string, network: NetworkName): WalletDescriptor {
  const result = parseDescriptor(text, network);
  if (!result.ok) throw new Error(`${result.code}: ${result.message} (${text})`);
  return result.descriptor;
}

describe('descriptors, seeded properties', () => {
  it.each(SEEDS)('seed %i: the canonical form parses back to itself', (seed) => {
    const rnd = seededRandom(seed);
    for (let i = 0; i < 20; i++) {
      const network = rnd.pick(NETWORKS);
      const wallet = parsed(randomDescriptorText(rnd, network), network);
      const again = parsed(wallet.canonical, network);
      expect(again.canonical).toBe(wallet.canonical);
      expect(again.changeCanonical).toBe(wallet.changeCanonical);
      expect(again.canonical.replace(/#.*/, '').replace(/\/0\/\*\)/, '/1/*)')).toBe(
        wallet.changeCanonical.replace(/#.*/, ''),
      );
    }
  });

  it.each(SEEDS)('seed %i: a range of addresses equals the addresses one by one', (seed) => {
    const rnd = seededRandom(seed);
    for (let i = 0; i < 5; i++) {
      const network = rnd.pick(NETWORKS);
      const wallet = parsed(randomDescriptorText(rnd, network), network);
      const branch = rnd.pick([0, 1] as const);
      const count = rnd.int(1, 8);
      const fromIndex = rnd.pick([0, rnd.int(0, 1000), rnd.int(0, 0x7fffffff - count + 1)]);
      const range = deriveAddresses(wallet, branch, fromIndex, count);
      const oneByOne = Array.from(
        { length: count },
        (_, k) => deriveAddresses(wallet, branch, fromIndex + k, 1)[0],
      );
      expect(range).toEqual(oneByOne);
      expect(range.map((a) => a.index)).toEqual(Array.from({ length: count }, (_, k) => fromIndex + k));
      // The address reads back, through forkline's address parser, to the same script.
      for (const { address, scriptPubKey } of range) {
        const read = addressToScript(address, network);
        expect(read.ok && read.scriptPubKey.equals(scriptPubKey)).toBe(true);
      }
      const other = deriveAddresses(wallet, branch === 0 ? 1 : 0, fromIndex, count);
      expect(new Set([...range, ...other].map((a) => a.address)).size).toBe(2 * count);
    }
  });
});
