import crypto from 'node:crypto';
import type { BlockTxs } from '../matching/types.js';
import { blockLayout, HEADER_BYTES } from './blockLayout.js';

/** A block as the crawler uses it: header fields in display hex, transactions as a lean view. */
export interface ParsedBlock {
  hash: string;
  prevHash: string;
  time: number;
  /** The compact target: what the block's work is computed from. */
  bits: number;
  txs: BlockTxs;
}

const MAX_SAFE = Number.MAX_SAFE_INTEGER;

// crypto.hash (Node 20.12 and later) is a one-shot digest: half the CPU of a createHash
// object per call, and a catch-up hashes every block header and the txid of every
// transaction that touches a watched script (~15 a block in the bench).
const sha256: (bytes: Uint8Array) => Buffer =
  typeof crypto.hash === 'function'
    ? (bytes) => crypto.hash('sha256', bytes, 'buffer')
    : (bytes) => crypto.createHash('sha256').update(bytes).digest();

/** Bitcoin's hash: SHA-256 twice, shown byte-reversed. */
const displayHash = (bytes: Uint8Array): string => sha256(sha256(bytes)).reverse().toString('hex');

// A segwit transaction's txid covers its bytes without marker, flag and witness: they are
// copied here to be hashed in one piece. Hashing is synchronous, so one buffer serves all.
let scratch = Buffer.allocUnsafe(64 * 1024);

/**
 * Walks raw block bytes once and records where each transaction, input and output
 * lies (node/blockLayout.ts), decoding nothing else. Decoding every transaction with
 * bitcoinjs-lib (Block.fromBuffer) allocated a dozen objects per transaction — a third of
 * the crawler's CPU on 1,000-transaction blocks — when matching needs only output
 * scripts, prevouts, and the txid of the few transactions that touch a watched script.
 * Refuses bytes that are not the block asked for, or not a whole well-formed block.
 */
export function parseBlock(raw: Uint8Array, expectedHash?: string): ParsedBlock {
  const buf = Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
  if (buf.length < HEADER_BYTES + 1) throw new Error(`block of ${buf.length} bytes is too short`);
  const hash = displayHash(buf.subarray(0, HEADER_BYTES));
  if (expectedHash !== undefined && hash !== expectedHash) {
    throw new Error(`bitcoind returned block ${hash} when asked for ${expectedHash}`);
  }
  const layout = blockLayout(buf, hash);
  const { txStart, txEnd, witnessAt, inputStart, outputStart, prevoutAt, valueAt, scriptAt, scriptEnd } =
    layout;

  const txids = new Map<number, string>();
  const reversed = Buffer.allocUnsafe(32);
  const txs: BlockTxs = {
    count: layout.txCount,
    inputStart,
    outputStart,
    isCoinbase(tx) {
      if (inputStart[tx + 1]! - inputStart[tx]! !== 1) return false;
      const at = prevoutAt[inputStart[tx]!]!;
      for (let i = at; i < at + 32; i++) if (buf[i] !== 0) return false;
      return buf.readUInt32LE(at + 32) === 0xffffffff;
    },
    prevoutTxid(input) {
      const at = prevoutAt[input]!;
      for (let i = 0; i < 32; i++) reversed[i] = buf[at + 31 - i]!;
      return reversed.toString('hex');
    },
    prevoutTxidTags: layout.prevoutTag,
    prevoutVout: (input) => buf.readUInt32LE(prevoutAt[input]! + 32),
    outputScriptHex: (output) => buf.toString('hex', scriptAt[output], scriptEnd[output]),
    outputScriptTags: layout.scriptTag,
    outputValue: (output) => {
      const at = valueAt[output]!;
      const value = buf.readUInt32LE(at) + buf.readUInt32LE(at + 4) * 0x1_0000_0000;
      if (value > MAX_SAFE) throw new Error(`block ${hash}: output value out of range at byte ${at}`);
      return value;
    },
    txid(tx) {
      let id = txids.get(tx);
      if (id !== undefined) return id;
      const start = txStart[tx]!;
      const end = txEnd[tx]!;
      const witness = witnessAt[tx]!;
      if (witness === 0) id = displayHash(buf.subarray(start, end));
      else {
        // version, inputs and outputs, locktime: not the marker, flag or witness
        const size = end - start - 2 - (end - 4 - witness);
        if (scratch.length < size) scratch = Buffer.allocUnsafe(size);
        buf.copy(scratch, 0, start, start + 4);
        buf.copy(scratch, 4, start + 6, witness);
        buf.copy(scratch, size - 4, end - 4, end);
        id = displayHash(scratch.subarray(0, size));
      }
      txids.set(tx, id);
      return id;
    },
  };
  return {
    hash,
    prevHash: Buffer.from(buf.subarray(4, 36)).reverse().toString('hex'),
    time: buf.readUInt32LE(68),
    bits: buf.readUInt32LE(72),
    txs,
  };
}
