import type { NetworkName } from '#shared/bitcoin/networks.js';
import type { ChainSource } from './chainSource.js';

// getblockchaininfo's names for the networks forkline knows.
const NODE_CHAIN: Record<NetworkName, string[]> = {
  mainnet: ['main'],
  testnet: ['test', 'testnet4'],
  signet: ['signet'],
  regtest: ['regtest'],
};

/** Refuses a node that follows another network than BITCOIN_NETWORK says. */
export async function checkNodeNetwork(
  source: Pick<ChainSource, 'chain'>,
  network: NetworkName,
): Promise<void> {
  const chain = await source.chain();
  if (!NODE_CHAIN[network].includes(chain)) {
    throw new Error(
      `bitcoind follows the "${chain}" chain but BITCOIN_NETWORK is ${network}; refusing to crawl`,
    );
  }
}
