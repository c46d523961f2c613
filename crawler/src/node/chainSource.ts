import type { RpcClient } from '#shared/bitcoind/rpcClient.js';
import { RpcError } from '#shared/bitcoind/rpcClient.js';

export interface ChainTip {
  hash: string;
  height: number;
}

/**
 * What the crawler asks of the node. bitcoind implements it over RPC/REST; tests wrap
 * it to inject a reorg at a chosen moment.
 */
export interface ChainSource {
  /** The node's network as getblockchaininfo names it: main, test, signet, regtest. */
  chain(): Promise<string>;
  bestTip(): Promise<ChainTip>;
  /** The hash of the node's main-chain block at `height`, undefined above its tip. */
  hashAt(height: number): Promise<string | undefined>;
  rawBlock(hash: string): Promise<Uint8Array>;
}

// bitcoind answers getblockhash above its tip with RPC_INVALID_PARAMETER.
const RPC_INVALID_PARAMETER = -8;

export function createBitcoindSource(rpc: RpcClient): ChainSource {
  return {
    chain: async () => (await rpc.getBlockchainInfo()).chain,
    async bestTip() {
      // One call gives hash and height of the same tip, no race between two calls.
      const info = await rpc.getBlockchainInfo();
      return { hash: info.bestblockhash, height: info.blocks };
    },
    async hashAt(height) {
      try {
        return await rpc.getBlockHash(height);
      } catch (err) {
        if (err instanceof RpcError && err.rpcCode === RPC_INVALID_PARAMETER) return undefined;
        throw err;
      }
    },
    rawBlock: (hash) => rpc.getRawBlock(hash),
  };
}
