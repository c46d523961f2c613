import { bytesTag } from '../matching/tags.js';

/**
 * Where each transaction, input and output of a raw block lies: byte offsets in typed
 * arrays, found in one pass that decodes nothing else. Typed arrays rather than arrays of
 * numbers or objects: a 1,000-transaction block has ~3,000 inputs and outputs, and their
 * offsets cost no garbage collection and no per-element boxing.
 */
export interface BlockLayout {
  txCount: number;
  /** Per transaction: its first byte, and the byte after its locktime. */
  txStart: Int32Array;
  txEnd: Int32Array;
  /** Per transaction: where its witness data starts; 0 for a transaction without. */
  witnessAt: Int32Array;
  /** Transaction t's inputs are [inputStart[t], inputStart[t + 1]); txCount + 1 entries. */
  inputStart: Int32Array;
  outputStart: Int32Array;
  /** Per input: its prevout (32-byte txid, 4-byte vout), and the tag of that txid. */
  prevoutAt: Int32Array;
  prevoutTag: Int32Array;
  /** Per output: its 8-byte value; its script is [scriptAt, scriptEnd). */
  valueAt: Int32Array;
  scriptAt: Int32Array;
  scriptEnd: Int32Array;
  /** Per output: the tag of its script (matching/tags.ts). */
  scriptTag: Int32Array;
}

export const HEADER_BYTES = 80;

const grow = (a: Int32Array, need: number): Int32Array => {
  if (need <= a.length) return a;
  const bigger = new Int32Array(Math.max(need, a.length * 2));
  bigger.set(a);
  return bigger;
};

/** Bytes after a varint's first byte (0xfd, 0xfe or 0xff). */
const longSize = (first: number): number => (first === 0xfd ? 2 : first === 0xfe ? 4 : 8);

/**
 * A varint's first byte is read inline (one byte below 0xfd: nearly always); this reads
 * the longer forms, whose first byte is `first` and the rest at `at`. Neither it nor
 * `fail` captures the walk's position: a captured variable lives in a heap context, and
 * every step of the walk would load and store it there.
 */
function longVarInt(buf: Buffer, at: number, first: number, name: string): number {
  const size = longSize(first);
  if (at + size > buf.length) fail(name, 'truncated', at);
  const n =
    size === 2
      ? buf.readUInt16LE(at)
      : size === 4
        ? buf.readUInt32LE(at)
        : buf.readUInt32LE(at) + buf.readUInt32LE(at + 4) * 0x1_0000_0000;
  return n > Number.MAX_SAFE_INTEGER ? fail(name, 'varint too large', at) : n;
}

function fail(name: string, what: string, at: number): never {
  throw new Error(`block ${name}: ${what} at byte ${at}`);
}

/**
 * Lays out the transactions of a block whose 80-byte header starts `buf` (`name`: the
 * block's hash, for errors). Refuses bytes that are not a whole well-formed block.
 */
export function blockLayout(buf: Buffer, name: string): BlockLayout {
  const end = buf.length;
  let pos = HEADER_BYTES;
  // Each varint's first byte is read inline; the longer forms (0xfd-0xff) by longVarInt,
  // then skipped. Every read is bounds-checked before it is made, or right after a skip.
  let first: number;
  let n: number;

  if (pos >= end) fail(name, 'truncated', pos);
  first = buf[pos++]!;
  n = first < 0xfd ? first : longVarInt(buf, pos, first, name);
  if (first >= 0xfd) pos += longSize(first);
  const txCount = n;
  // A transaction takes at least 10 bytes, an input 41, an output 9: a count beyond what
  // the bytes left can hold is garbage (and would size the arrays below).
  if (txCount > (end - pos) / 10) fail(name, 'truncated', pos);
  const txStart = new Int32Array(txCount);
  const txEnd = new Int32Array(txCount);
  const witnessAt = new Int32Array(txCount);
  const inputStart = new Int32Array(txCount + 1);
  const outputStart = new Int32Array(txCount + 1);
  let prevoutAt: Int32Array = new Int32Array(txCount * 2);
  let prevoutTag: Int32Array = new Int32Array(txCount * 2);
  let valueAt: Int32Array = new Int32Array(txCount * 3);
  let scriptAt: Int32Array = new Int32Array(txCount * 3);
  let scriptEnd: Int32Array = new Int32Array(txCount * 3);
  let scriptTag: Int32Array = new Int32Array(txCount * 3);
  let inputs = 0;
  let outputs = 0;

  for (let t = 0; t < txCount; t++) {
    txStart[t] = pos;
    // version, then the segwit marker and flag (0x00 0x01) or the input count
    if (pos + 6 > end) fail(name, 'truncated', pos);
    pos += 4;
    const segwit = buf[pos] === 0x00 && buf[pos + 1] === 0x01;
    if (segwit) pos += 2;
    inputStart[t] = inputs;
    if (pos >= end) fail(name, 'truncated', pos);
    first = buf[pos++]!;
    n = first < 0xfd ? first : longVarInt(buf, pos, first, name);
    if (first >= 0xfd) pos += longSize(first);
    const ins = n;
    if (ins > (end - pos) / 41) fail(name, 'truncated', pos);
    prevoutAt = grow(prevoutAt, inputs + ins);
    prevoutTag = grow(prevoutTag, inputs + ins);
    for (let i = 0; i < ins; i++) {
      // prevout, scriptSig length, scriptSig, sequence
      if (pos + 37 > end) fail(name, 'truncated', pos);
      prevoutTag[inputs] = bytesTag(buf, pos, pos + 32);
      prevoutAt[inputs++] = pos;
      pos += 36;
      first = buf[pos++]!;
      n = first < 0xfd ? first : longVarInt(buf, pos, first, name);
      if (first >= 0xfd) pos += longSize(first);
      pos += n + 4;
    }
    outputStart[t] = outputs;
    if (pos >= end) fail(name, 'truncated', pos);
    first = buf[pos++]!;
    n = first < 0xfd ? first : longVarInt(buf, pos, first, name);
    if (first >= 0xfd) pos += longSize(first);
    const outs = n;
    if (outs > (end - pos) / 9) fail(name, 'truncated', pos);
    valueAt = grow(valueAt, outputs + outs);
    scriptAt = grow(scriptAt, outputs + outs);
    scriptEnd = grow(scriptEnd, outputs + outs);
    scriptTag = grow(scriptTag, outputs + outs);
    for (let o = 0; o < outs; o++) {
      // value, script length, script
      if (pos + 9 > end) fail(name, 'truncated', pos);
      valueAt[outputs] = pos;
      pos += 8;
      first = buf[pos++]!;
      n = first < 0xfd ? first : longVarInt(buf, pos, first, name);
      if (first >= 0xfd) pos += longSize(first);
      scriptAt[outputs] = pos;
      pos += n;
      scriptTag[outputs] = bytesTag(buf, pos - n, pos);
      scriptEnd[outputs++] = pos;
    }
    witnessAt[t] = segwit ? pos : 0;
    if (segwit) {
      // per input: the item count, then each item's length and bytes
      for (let i = 0; i < ins; i++) {
        if (pos >= end) fail(name, 'truncated', pos);
        first = buf[pos++]!;
        let items = first < 0xfd ? first : longVarInt(buf, pos, first, name);
        if (first >= 0xfd) pos += longSize(first);
        for (; items > 0; items--) {
          if (pos >= end) fail(name, 'truncated', pos);
          first = buf[pos++]!;
          n = first < 0xfd ? first : longVarInt(buf, pos, first, name);
          if (first >= 0xfd) pos += longSize(first);
          pos += n;
        }
      }
    }
    pos += 4; // locktime
    if (pos > end) fail(name, 'truncated', pos);
    txEnd[t] = pos;
  }
  if (pos !== end) fail(name, `${end - pos} bytes after the last transaction`, pos);
  inputStart[txCount] = inputs;
  outputStart[txCount] = outputs;
  return {
    txCount,
    txStart,
    txEnd,
    witnessAt,
    inputStart,
    outputStart,
    prevoutAt: prevoutAt.subarray(0, inputs),
    prevoutTag: prevoutTag.subarray(0, inputs),
    valueAt: valueAt.subarray(0, outputs),
    scriptAt: scriptAt.subarray(0, outputs),
    scriptEnd: scriptEnd.subarray(0, outputs),
    scriptTag: scriptTag.subarray(0, outputs),
  };
}
