/** Raw shapes of the bitcoind RPC answers forkline reads (only the fields used). */

export interface RpcBlockchainInfo {
  chain: 'main' | 'test' | 'testnet4' | 'signet' | 'regtest';
  blocks: number;
  headers: number;
  bestblockhash: string;
  pruned: boolean;
  initialblockdownload: boolean;
  /** The best chain's total work, 64 hex digits. */
  chainwork: string;
}

export interface RpcBlockHeader {
  hash: string;
  height: number;
  time: number;
  previousblockhash?: string;
  nextblockhash?: string;
  confirmations: number;
  /** Transactions in the block; 0 while the node has its header only. */
  nTx: number;
  /** The total work of the chain up to this block, 64 hex digits. */
  chainwork: string;
}

export interface RpcNetworkInfo {
  version: number;
  subversion: string;
}

export interface RpcScanTxOutSet {
  success: boolean;
  total_amount: number;
  unspents: { txid: string; vout: number; scriptPubKey: string; amount: number; height: number }[];
}

/** getrawmempool false true: the txids and the mempool sequence they reflect. */
export interface RpcRawMempoolSequence {
  txids: string[];
  mempool_sequence: number;
}

export interface RpcMempoolInfo {
  /** False while the node is still loading its saved mempool. */
  loaded: boolean;
  size: number;
}

export interface RpcMempoolEntry {
  /** BIP 125 replaceability, inherited from unconfirmed ancestors too. */
  'bip125-replaceable': boolean;
  time: number;
}

/** gettxspendingprevout: which mempool transaction, if any, spends each outpoint. */
export interface RpcSpendingPrevout {
  txid: string;
  vout: number;
  spendingtxid?: string;
}
