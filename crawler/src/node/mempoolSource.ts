import type { RpcClient } from '#shared/bitcoind/rpcClient.js';
import { RpcError } from '#shared/bitcoind/rpcClient.js';
import { outpointKey, type Outpoint } from '../matching/types.js';

/** What the mempool follower asks of the node; tests wrap it to reorder or lose things. */
export interface MempoolSource {
  /** False while the node is still loading its saved mempool after a start. */
  loaded(): Promise<boolean>;
  /** Every txid in the mempool and the mempool sequence number that list reflects. */
  snapshot(): Promise<{ txids: string[]; sequence: number }>;
  /** The transaction's bytes; undefined when the node no longer has it. */
  rawTransaction(txid: string): Promise<Uint8Array | undefined>;
  /** BIP 125 replaceability (inherited too); undefined when it left the mempool. */
  replaceable(txid: string): Promise<boolean | undefined>;
  /** For each outpoint a mempool transaction spends: outpointKey → the spending txid. */
  spenders(outpoints: Outpoint[]): Promise<Map<string, string>>;
}

// "No such mempool or blockchain transaction" / "Transaction not in mempool".
const RPC_INVALID_ADDRESS_OR_KEY = -5;

const orUndefined = async <T>(call: Promise<T>): Promise<T | undefined> => {
  try {
    return await call;
  } catch (err) {
    if (err instanceof RpcError && err.rpcCode === RPC_INVALID_ADDRESS_OR_KEY) return undefined;
    throw err;
  }
};

export function createBitcoindMempoolSource(rpc: RpcClient): MempoolSource {
  return {
    loaded: async () => (await rpc.getMempoolInfo()).loaded,
    async snapshot() {
      const { txids, mempool_sequence } = await rpc.getRawMempoolSequence();
      return { txids, sequence: mempool_sequence };
    },
    async rawTransaction(txid) {
      const hex = await orUndefined(rpc.getRawTransactionHex(txid));
      return hex === undefined ? undefined : Buffer.from(hex, 'hex');
    },
    async replaceable(txid) {
      return (await orUndefined(rpc.getMempoolEntry(txid)))?.['bip125-replaceable'];
    },
    async spenders(outpoints) {
      const found = new Map<string, string>();
      if (outpoints.length === 0) return found;
      for (const s of await rpc.getTxSpendingPrevout(outpoints))
        if (s.spendingtxid) found.set(outpointKey(s.txid, s.vout), s.spendingtxid);
      return found;
    },
  };
}
