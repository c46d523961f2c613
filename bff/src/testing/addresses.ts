import { randomBytes } from 'node:crypto';
import { networks, payments } from 'bitcoinjs-lib';

/** Fresh, valid addresses without a node: P2WPKH over random key hashes. */
export const regtestAddress = (): string =>
  payments.p2wpkh({ hash: randomBytes(20), network: networks.regtest }).address!;

export const mainnetAddress = (): string =>
  payments.p2wpkh({ hash: randomBytes(20), network: networks.bitcoin }).address!;

export const regtestP2pkh = (): string =>
  payments.p2pkh({ hash: randomBytes(20), network: networks.regtest }).address!;
