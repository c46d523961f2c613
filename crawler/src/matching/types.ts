/** What the crawler knows about a watched script: whose it is and under which address. */
export interface WatchEntry {
  userId: string;
  address: string;
}

/** Looks a script up by its hex: the in-memory index, or a plain Map in tests. */
export interface WatchLookup {
  get(scriptHex: string): WatchEntry | undefined;
  /** False when no watched script has this tag (matching/tags.ts); absent: always maybe. */
  mayHoldTag?(scriptTag: number): boolean;
}

/**
 * A block's transactions as matching reads them, by index into the block, decoding only
 * what is asked for (node/parseBlock.ts walks the raw bytes; nothing is decoded up front).
 */
export interface BlockTxs {
  readonly count: number;
  /** Transaction t's inputs are [inputStart[t], inputStart[t + 1]); `count + 1` entries. */
  readonly inputStart: ArrayLike<number>;
  /** Transaction t's outputs are [outputStart[t], outputStart[t + 1]); `count + 1` entries. */
  readonly outputStart: ArrayLike<number>;
  /** Only a block's first transaction can be its coinbase (a consensus rule). */
  isCoinbase(tx: number): boolean;
  /** The txid an input spends, in display order. */
  prevoutTxid(input: number): string;
  /**
   * Per input: txidTag of prevoutTxid(input), read from the bytes without building the
   * hex; per output: bytesTag of its script. Arrays, taken while the block is walked:
   * matching reads one per input and output, most of them to skip it.
   */
  readonly prevoutTxidTags: ArrayLike<number>;
  readonly outputScriptTags: ArrayLike<number>;
  prevoutVout(input: number): number;
  outputScriptHex(output: number): string;
  outputValue(output: number): number;
  /** Display-order txid: a double SHA-256, so computed on demand (and remembered). */
  txid(tx: number): string;
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
  /** The transaction's outputs paid to scripts that are not this user's. */
  paidToOthersSats: number;
  /** The user's addresses the transaction paid or spent from, sorted. */
  addresses: string[];
  /** A block's coinbase: its outputs mature only after 100 confirmations. */
  coinbase?: true;
}

export interface BlockMatch {
  created: OwnedOutput[];
  spent: SpentOutput[];
  /** In block order; within a transaction, by user id. */
  walletTxs: WalletTx[];
}

export const outpointKey = (txid: string, vout: number): string => `${txid}:${vout}`;
