import { networks, type Network } from 'bitcoinjs-lib';

export type NetworkName = 'regtest' | 'testnet' | 'signet' | 'mainnet';

export function bitcoinNetwork(name: NetworkName): Network {
  switch (name) {
    case 'mainnet':
      return networks.bitcoin;
    case 'regtest':
      return networks.regtest;
    case 'testnet':
    case 'signet':
      return networks.testnet;
  }
}
