/** What the crawler knows about a watched script: whose it is and under which address. */
export interface WatchEntry {
  userId: string;
  address: string;
}

/** Looks a script up by its hex: the in-memory index, or a plain Map in tests. */
export interface WatchLookup {
  get(scriptHex: string): WatchEntry | undefined;
}

export interface Outpoint {
  txid: string;
  vout: number;
}

/** An output paying a watched script. */
export interface OwnedOutput extends Outpoint, WatchEntry {
  valueSats: number;
}

/** A wallet UTXO spent by a transaction of the block. */
export interface SpentOutput extends Outpoint {
  spentTxid: string;
}

/** What one transaction did to one user: received − sent over all their scripts. */
export interface WalletTx {
  userId: string;
  txid: string;
  receivedSats: number;
  sentSats: number;
  deltaSats: number;
  /** The user's addresses the transaction paid or spent from, sorted. */
  addresses: string[];
}

export interface BlockMatch {
  created: OwnedOutput[];
  spent: SpentOutput[];
  /** In block order; within a transaction, by user id. */
  walletTxs: WalletTx[];
}

export const outpointKey = (txid: string, vout: number): string => `${txid}:${vout}`;
