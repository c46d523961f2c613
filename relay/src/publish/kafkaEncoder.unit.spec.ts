import { createRequire } from 'node:module';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { seededRandom } from '#shared/testing/seededRandom.js';

/**
 * `patches/kafkajs+2.2.4.patch` changes how kafkajs writes every produce request: the
 * Encoder's buffers come from Node's pool without zero-filling (Buffer.allocUnsafe), a
 * varint is written in place instead of through an array and a Buffer of its own, and a
 * record batch's CRC32-C is computed natively (@node-rs/crc32) instead of by a JavaScript
 * loop. On the relay's profile those were the largest costs of publishing. These checks
 * hold the patched code to the wire format: varints byte for byte against LEB128 written
 * here, the checksum against kafkajs's own JavaScript one, and whole record batches read
 * back by kafkajs's own decoder from buffers that come back full of garbage, so a byte the
 * encoder did not write would show.
 */
const require = createRequire(import.meta.url);

interface KafkaEncoder {
  writeVarInt(value: number): KafkaEncoder;
  buffer: Buffer;
}
type EncoderClass = new () => KafkaEncoder;
type DecoderClass = new (buffer: Buffer) => { readVarInt(): number };
interface DecodedRecord {
  key: Buffer | null;
  value: Buffer | null;
  headers: Record<string, Buffer>;
  offset: string;
}
type RecordBatchFn = (args: { records: unknown[] }) => Promise<KafkaEncoder>;
type RecordFn = (args: {
  offsetDelta: number;
  key: Buffer | null;
  value: Buffer | null;
  headers: Record<string, Buffer>;
}) => unknown;

const Encoder = require('kafkajs/src/protocol/encoder.js') as EncoderClass;
const Decoder = require('kafkajs/src/protocol/decoder.js') as DecoderClass;
const { RecordBatch } = require('kafkajs/src/protocol/recordBatch/v0/index.js') as {
  RecordBatch: RecordBatchFn;
};
const Record = require('kafkajs/src/protocol/recordBatch/record/v0/index.js') as RecordFn;
const patchedCrc32C = require('kafkajs/src/protocol/recordBatch/crc32C/index.js') as (b: Buffer) => number;
const javascriptCrc32C = require('kafkajs/src/protocol/recordBatch/crc32C/crc32C.js') as (
  b: Buffer,
) => number;
const decodeRecordBatch = require('kafkajs/src/protocol/recordBatch/v0/decoder.js') as (
  decoder: unknown,
) => Promise<{ records: DecodedRecord[] }>;

/** Zigzag then unsigned LEB128, as the Kafka protocol writes a signed varint. */
function referenceVarInt(value: number): number[] {
  let v = ((value << 1) ^ (value >> 31)) >>> 0;
  const bytes: number[] = [];
  while (v >= 0x80) {
    bytes.push((v & 0x7f) | 0x80);
    v >>>= 7;
  }
  bytes.push(v);
  return bytes;
}

/**
 * Makes every unzeroed allocation come back full of 0xaa, as reused memory would: a byte
 * the encoder did not write then shows in its output. Also proves the patch is applied
 * (unpatched kafkajs asks for zeroed buffers, Buffer.alloc).
 */
function dirtyAllocations() {
  const real = Buffer.allocUnsafe.bind(Buffer);
  return vi.spyOn(Buffer, 'allocUnsafe').mockImplementation((size) => real(size).fill(0xaa));
}

describe('the patched kafkajs encoder', () => {
  afterEach(() => vi.restoreAllMocks());

  it('writes every varint exactly as LEB128 does, and reads it back', () => {
    const rnd = seededRandom(0x5eed);
    const values = [0, 1, -1, 63, 64, -64, -65, 127, 128, 8191, 8192, 2 ** 20, 2 ** 31 - 1, -(2 ** 31)];
    for (let i = 0; i < 2_000; i++) values.push(rnd.int(-(2 ** 31), 2 ** 31 - 1));
    const allocations = dirtyAllocations();
    for (const value of values) {
      const encoder = new Encoder().writeVarInt(value);
      expect([...encoder.buffer], String(value)).toEqual(referenceVarInt(value));
      expect(new Decoder(encoder.buffer).readVarInt()).toBe(value);
    }
    expect(allocations).toHaveBeenCalled();
  });

  it("checksums record batches exactly as kafkajs's JavaScript CRC32-C does", () => {
    const rnd = seededRandom(7);
    for (let i = 0; i < 500; i++) {
      const buffer = Buffer.from(Array.from({ length: rnd.int(0, 3_000) }, () => rnd.int(0, 255)));
      expect(patchedCrc32C(buffer)).toBe(javascriptCrc32C(buffer));
    }
    // The check value of CRC-32C (RFC 3720, "123456789").
    expect(patchedCrc32C(Buffer.from('123456789'))).toBe(0xe3069283);
  });

  it('encodes record batches that kafkajs decodes back to the same records', async () => {
    const rnd = seededRandom(42);
    const noise = Buffer.from(Array.from({ length: 8_192 }, () => rnd.int(0, 255)));
    const bytes = (n: number) => {
      const start = rnd.int(0, noise.length - n);
      return Buffer.from(noise.subarray(start, start + n));
    };
    const allocations = dirtyAllocations();
    for (let round = 0; round < 20; round++) {
      // Sizes across the pool's limit (4 KiB) and the encoder's first growth (512 B).
      const messages = Array.from({ length: rnd.int(1, 300) }, () => ({
        key: rnd.next() < 0.1 ? null : bytes(rnd.int(0, 40)),
        value: rnd.next() < 0.05 ? null : bytes(rnd.pick([0, 10, 511, 512, 1_000, 5_000])),
        headers: Object.fromEntries(
          Array.from({ length: rnd.int(0, 5) }, (_, h) => [`h${h}`, bytes(rnd.int(0, 60))]),
        ),
      }));
      const batch = await RecordBatch({
        records: messages.map((m, offsetDelta) => Record({ ...m, offsetDelta })),
      });
      const { records } = await decodeRecordBatch(new Decoder(batch.buffer));
      // Compared as base64 text: deep equality walks a Buffer byte by byte.
      const text = (m: Pick<DecodedRecord, 'key' | 'value' | 'headers'>) =>
        JSON.stringify([
          m.key?.toString('base64'),
          m.value?.toString('base64'),
          Object.entries(m.headers).map(([k, v]) => [k, v.toString('base64')]),
        ]);
      expect(records.map(text)).toEqual(messages.map(text));
      expect(records.map((r) => r.offset)).toEqual(messages.map((_, i) => String(i)));
    }
    expect(allocations).toHaveBeenCalled();
  });
});
