import { Block, type Transaction } from 'bitcoinjs-lib';

/** A block as the crawler uses it: header fields in display hex, transactions decoded. */
export interface ParsedBlock {
  hash: string;
  prevHash: string;
  time: number;
  txs: Transaction[];
}

/** Decodes raw block bytes with bitcoinjs-lib; refuses bytes that are not the block asked for. */
export function parseBlock(raw: Uint8Array, expectedHash?: string): ParsedBlock {
  const block = Block.fromBuffer(raw);
  const hash = block.getId();
  if (expectedHash !== undefined && hash !== expectedHash) {
    throw new Error(`bitcoind returned block ${hash} when asked for ${expectedHash}`);
  }
  if (!block.prevHash || !block.transactions) throw new Error(`block ${hash} has no header or transactions`);
  return {
    hash,
    prevHash: Buffer.from(block.prevHash).reverse().toString('hex'),
    time: block.timestamp,
    txs: block.transactions,
  };
}
