import type { RpcClient } from '#shared/bitcoind/rpcClient.js';
import { RpcError } from '#shared/bitcoind/rpcClient.js';
import { parseChainwork } from './chainworkHex.js';

export interface ChainTip {
  hash: string;
  height: number;
}

/** The node's best block, its chain's total work, and whether it is in initial block download. */
export interface NodeTip extends ChainTip {
  chainwork: bigint;
  initialBlockDownload: boolean;
}

/**
 * What the crawler asks of the node. bitcoind implements it over RPC/REST; tests wrap
 * it to inject a reorg at a chosen moment.
 */
export interface ChainSource {
  /** The node's network as getblockchaininfo names it: main, test, signet, regtest. */
  chain(): Promise<string>;
  bestTip(): Promise<NodeTip>;
  /**
   * Whether the node holds this block (on its main chain or not). Its header alone does not
   * count: a node still downloading knows headers ahead of the blocks it has. One that
   * holds our tip and left it has reorganised; one that does not has only if its chain has
   * more work (sync/nodeStanding.ts).
   */
  holdsBlock(hash: string): Promise<boolean>;
  /** The total work of the chain up to this block (which the node knows). */
  chainworkOf(hash: string): Promise<bigint>;
  /** The hash of the node's main-chain block at `height`, undefined above its tip. */
  hashAt(height: number): Promise<string | undefined>;
  /**
   * The hashes of the node's main-chain blocks from `from` upwards, at most `count`, in one
   * request; fewer (none) above its tip.
   */
  hashesFrom(from: number, count: number): Promise<string[]>;
  rawBlock(hash: string): Promise<Uint8Array>;
}

// bitcoind answers getblockhash above its tip with RPC_INVALID_PARAMETER, and
// getblockheader of a block it does not know with RPC_INVALID_ADDRESS_OR_KEY.
const RPC_INVALID_PARAMETER = -8;
const RPC_INVALID_ADDRESS_OR_KEY = -5;

export function createBitcoindSource(rpc: RpcClient): ChainSource {
  return {
    chain: async () => (await rpc.getBlockchainInfo()).chain,
    async bestTip() {
      // One call gives hash and height of the same tip, no race between two calls.
      const info = await rpc.getBlockchainInfo();
      return {
        hash: info.bestblockhash,
        height: info.blocks,
        chainwork: parseChainwork(info.chainwork),
        initialBlockDownload: info.initialblockdownload,
      };
    },
    async holdsBlock(hash) {
      try {
        // nTx is 0 until the block itself has arrived.
        return (await rpc.getBlockHeader(hash)).nTx > 0;
      } catch (err) {
        if (err instanceof RpcError && err.rpcCode === RPC_INVALID_ADDRESS_OR_KEY) return false;
        throw err;
      }
    },
    chainworkOf: async (hash) => parseChainwork((await rpc.getBlockHeader(hash)).chainwork),
    async hashAt(height) {
      try {
        return await rpc.getBlockHash(height);
      } catch (err) {
        if (err instanceof RpcError && err.rpcCode === RPC_INVALID_PARAMETER) return undefined;
        throw err;
      }
    },
    hashesFrom: (from, count) => rpc.getBlockHashes(from, count),
    rawBlock: (hash) => rpc.getRawBlock(hash),
  };
}
