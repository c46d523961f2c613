/** One mempool change, in the node's order: a transaction entered or left. */
export type MempoolOp = { kind: 'add' | 'remove'; txid: string };
