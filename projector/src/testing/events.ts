import { createHash, randomUUID } from 'node:crypto';
import type { Producer } from 'kafkajs';
import { partitionKey } from '#shared/events/partitionKey.js';
import { CHAIN_STREAM, userStream } from '#shared/events/streams.js';
import type { DropReason, ForklineEvent, RecordedEvent } from '#shared/events/types.js';

/** A deterministic 64-hex "hash" for a label: txids and block hashes in tests. */
export const hex = (label: string): string => createHash('sha256').update(label).digest('hex');

/** A deterministic uuid (v4 layout) for a label: order ids in tests. */
export const uuidOf = (label: string): string => {
  const h = hex(label);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
};

const BASE_TIME = Date.parse('2026-01-01T00:00:00.000Z');

/** Builds the envelopes of one stream with dense versions, as the outbox would. */
export function streamOf(stream: string, firstVersion = 1) {
  let version = firstVersion;
  return {
    stream,
    /** The last version handed out (0 before the first). */
    current: () => version - 1,
    /** The next event of the stream (version + 1 each call). */
    next<E extends ForklineEvent>(event: E): RecordedEvent<E> {
      const v = version++;
      return {
        ...event,
        id: randomUUID(),
        stream,
        version: v,
        occurredAt: new Date(BASE_TIME + v * 1_000).toISOString(),
      };
    },
  };
}

export const userEvents = (userId: string) => streamOf(userStream(userId));
export const chainEvents = () => streamOf(CHAIN_STREAM);

export const confirmed = (
  txid: string,
  block: string,
  height: number,
  amounts: Amounts & { coinbase?: boolean },
): ForklineEvent => ({
  type: 'TxConfirmed',
  payload: {
    txid: hex(txid),
    blockHash: hex(block),
    height,
    ...amountFields(amounts),
    addresses: [],
    ...(amounts.coinbase === undefined ? {} : { coinbase: amounts.coinbase }),
  },
});

/** A transaction entering the mempool; first seen at `firstSeenAt` (default: the base time). */
export const pending = (
  txid: string,
  amounts: Amounts & { firstSeenAt?: string; replaceable?: boolean },
): ForklineEvent => ({
  type: 'TxPending',
  payload: {
    txid: hex(txid),
    ...amountFields(amounts),
    firstSeenAt: amounts.firstSeenAt ?? new Date(BASE_TIME).toISOString(),
    replaceable: amounts.replaceable ?? false,
  },
});

export const dropped = (txid: string, reason: DropReason, replacedBy?: string): ForklineEvent => ({
  type: 'TxDropped',
  payload: { txid: hex(txid), reason, ...(replacedBy === undefined ? {} : { replacedBy: hex(replacedBy) }) },
});

interface Amounts {
  deltaSats: number;
  receivedSats?: number;
  sentSats?: number;
  paidToOthersSats?: number;
}

/** A receive unless told otherwise; a negative delta is a send without change. */
const amountFields = (a: Amounts) => ({
  deltaSats: a.deltaSats,
  receivedSats: a.receivedSats ?? Math.max(a.deltaSats, 0),
  sentSats: a.sentSats ?? Math.max(-a.deltaSats, 0),
  paidToOthersSats: a.paidToOthersSats ?? Math.max(-a.deltaSats, 0),
});

export const reverted = (txid: string, block: string, height: number, deltaSats: number): ForklineEvent => ({
  type: 'TxReverted',
  payload: { txid: hex(txid), blockHash: hex(block), height, deltaSats },
});

/** `streams`: the versions the block's write gave users' streams (none: the field is left out). */
export const blockConnected = (
  block: string,
  height: number,
  prev: string,
  streams?: Record<string, number>,
): ForklineEvent => ({
  type: 'BlockConnected',
  payload: {
    hash: hex(block),
    height,
    prevHash: hex(prev),
    time: 1_700_000_000 + height,
    ...(streams && { streams }),
  },
});

export const blockDisconnected = (
  block: string,
  height: number,
  below?: { prev: string; streams: Record<string, number> },
): ForklineEvent => ({
  type: 'BlockDisconnected',
  payload: { hash: hex(block), height, ...(below && { prevHash: hex(below.prev), streams: below.streams }) },
});

/** A Kafka message as the relay publishes it: key = partition key, value = the envelope's JSON. */
export function toMessage(event: RecordedEvent) {
  return {
    key: partitionKey(event.stream, event.payload),
    value: JSON.stringify(event),
    headers: { type: event.type, stream: event.stream, version: String(event.version), id: event.id },
  };
}

/** Publishes envelopes (or raw messages, e.g. poison) in the given order. */
export async function publish(
  producer: Producer,
  topic: string,
  items: (RecordedEvent | { key: string; value: string })[],
): Promise<void> {
  if (items.length === 0) return;
  await producer.send({
    topic,
    acks: -1,
    messages: items.map((item) => ('payload' in item ? toMessage(item) : item)),
  });
}
