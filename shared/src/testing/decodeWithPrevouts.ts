import type { RpcClient } from '../bitcoind/rpcClient.js';

export interface TxOutput {
  value: number;
  scriptPubKey: { hex: string };
}

/** A transaction as `getrawtransaction <txid> 2` decodes it, every input with the output it spends. */
export interface TxWithPrevouts {
  txid: string;
  vin: { txid: string; vout: number; prevout: TxOutput }[];
  vout: TxOutput[];
}

interface DecodedTx {
  txid: string;
  vin: { txid?: string; vout?: number; prevout?: TxOutput }[];
  vout: TxOutput[];
}

/** Parent transactions already read, by txid. */
export type ParentTxs = Map<string, DecodedTx>;

/**
 * Decodes a transaction with its inputs' prevouts. The node adds prevouts only to a
 * transaction in a block (from the block's undo data), so those of a mempool transaction
 * are read from its parents, confirmed or not (txindex). `parents` caches them across calls.
 */
export async function decodeWithPrevouts(
  rpc: RpcClient,
  txid: string,
  parents: ParentTxs = new Map(),
): Promise<TxWithPrevouts> {
  const tx = await rpc.call<DecodedTx>('getrawtransaction', [txid, 2]);
  const vin: TxWithPrevouts['vin'] = [];
  for (const input of tx.vin) {
    if (input.txid === undefined || input.vout === undefined) throw new Error(`${txid} is a coinbase`);
    let prevout = input.prevout;
    if (!prevout) {
      let parent = parents.get(input.txid);
      if (!parent) {
        parent = await rpc.call<DecodedTx>('getrawtransaction', [input.txid, 1]);
        parents.set(input.txid, parent);
      }
      prevout = parent.vout[input.vout];
      if (!prevout) throw new Error(`${txid} spends ${input.txid}:${input.vout}, which does not exist`);
    }
    vin.push({ txid: input.txid, vout: input.vout, prevout });
  }
  return { txid: tx.txid, vin, vout: tx.vout };
}
