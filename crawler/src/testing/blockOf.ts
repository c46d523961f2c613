import { Block, type Transaction } from 'bitcoinjs-lib';

/** Serialises transactions into a block with bitcoinjs-lib (header fields zero): raw bytes to parse. */
export function blockOf(txs: Transaction[], prevHash = new Uint8Array(32)): Buffer {
  const block = new Block();
  block.version = 0x2000_0000;
  block.prevHash = prevHash;
  block.merkleRoot = new Uint8Array(32);
  block.timestamp = 1_700_000_000;
  block.bits = 0x207f_ffff;
  block.nonce = 0;
  block.transactions = txs;
  return Buffer.from(block.toBuffer());
}
