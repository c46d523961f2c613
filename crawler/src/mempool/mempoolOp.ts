/**
 * One mempool change, in the node's order: a transaction entered or left; or, after
 * addresses joined, one of our pending transactions to match again (`rematch`), since it
 * may touch them too.
 */
export type MempoolOp = { kind: 'add' | 'remove' | 'rematch'; txid: string };
