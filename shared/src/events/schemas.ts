import { datetimeRegex, z } from 'zod';
import type { ForklineEvent, RecordedEvent } from './types.js';

/**
 * Runtime validation of events read back from Kafka: the projector refuses anything
 * these reject (a poison event) instead of writing garbage into the views.
 *
 * Two layers with one meaning. The zod schemas are the definition and produce the
 * reasons of a dead letter. The hand-written checks below them are the fast path for
 * the valid events that are nearly all of the traffic: zod costs ~30 µs an event,
 * which capped the projector. They accept a subset of what zod accepts (the spec
 * compares both on mutated events); whatever they refuse is parsed again by zod, so
 * a poison event gets exactly zod's verdict and reason.
 */
const HASH = /^[0-9a-f]{64}$/;
const HEX = /^[0-9a-f]+$/;
// zod 3's own patterns for .uuid() and .datetime({ offset: true }), compiled once (zod
// builds the datetime one again for every value it checks).
const UUID = /^[0-9a-fA-F]{8}\b-[0-9a-fA-F]{4}\b-[0-9a-fA-F]{4}\b-[0-9a-fA-F]{4}\b-[0-9a-fA-F]{12}$/i;
const DATETIME = datetimeRegex({ precision: null, offset: true, local: false });
const ADDRESS_TYPES = ['p2pkh', 'p2sh', 'p2wpkh', 'p2wsh', 'p2tr'] as const;
const DROP_REASONS = ['replaced', 'conflict', 'evicted'] as const;
const ORDER_SIDES = ['buy', 'sell'] as const;

const hash = z.string().regex(HASH, 'must be 64 hex characters');
const sats = z.number().int().safe();
const height = z.number().int().nonnegative();
const userId = z.string().min(1).max(64);
const version = z.number().int().positive().safe();
const positiveSats = sats.positive();
const orderId = z.string().uuid();
const side = z.enum(ORDER_SIDES);
// The version each user stream reached in the chain event's own write (see types.ts).
const streams = z.record(z.string().min(1).max(100), version);

const payloads = {
  UserRegistered: z.object({ userId }).strict(),
  AddressAdded: z
    .object({
      userId,
      address: z.string().min(1).max(100),
      scriptPubKey: z.string().regex(HEX),
      addressType: z.enum(ADDRESS_TYPES),
    })
    .strict(),
  TxConfirmed: z
    .object({
      txid: hash,
      blockHash: hash,
      height,
      deltaSats: sats,
      receivedSats: sats.nonnegative(),
      sentSats: sats.nonnegative(),
      paidToOthersSats: sats.nonnegative(),
      addresses: z.array(z.string()),
      coinbase: z.boolean().optional(),
    })
    .strict(),
  TxPending: z
    .object({
      txid: hash,
      receivedSats: sats.nonnegative(),
      sentSats: sats.nonnegative(),
      deltaSats: sats,
      paidToOthersSats: sats.nonnegative(),
      firstSeenAt: z.string().datetime({ offset: true }),
      replaceable: z.boolean(),
    })
    .strict(),
  TxDropped: z.object({ txid: hash, reason: z.enum(DROP_REASONS), replacedBy: hash.optional() }).strict(),
  TxReverted: z.object({ txid: hash, blockHash: hash, height, deltaSats: sats }).strict(),
  BlockConnected: z
    .object({ hash, height, prevHash: hash, time: z.number().int(), streams: streams.optional() })
    .strict(),
  BlockDisconnected: z
    .object({ hash, height, prevHash: hash.optional(), streams: streams.optional() })
    .strict(),
  OrderPlaced: z
    .object({ orderId, userId, side, amountSats: positiveSats, limitPriceEurCents: positiveSats.nullable() })
    .strict(),
  OrderFilled: z
    .object({
      orderId,
      userId,
      side,
      amountSats: positiveSats,
      priceEurCents: positiveSats,
      eurCents: sats.nonnegative(),
    })
    .strict(),
  OrderCancelled: z.object({ orderId, userId }).strict(),
  OrderRejected: z.object({ orderId, userId, reason: z.string().min(1).max(500) }).strict(),
  SettlementBroadcast: z.object({ orderId, userId, txid: hash }).strict(),
} satisfies Record<ForklineEvent['type'], z.ZodTypeAny>;

const envelope = z.object({
  id: z.string().uuid(),
  type: z.string(),
  stream: z.string().min(1),
  version: z.number().int().positive(),
  occurredAt: z.string().datetime({ offset: true }),
  payload: z.unknown(),
});

export type ParsedEvent = { ok: true; event: RecordedEvent } | { ok: false; reason: string };

/** Parses a published event; a failure carries a reason fit for a dead-letter row. */
export function parseRecordedEvent(json: unknown): ParsedEvent {
  if (isRecordedEvent(json)) {
    // The same object zod returns: envelope keys it does not know are dropped.
    const { id, type, stream, version, occurredAt, payload } = json;
    return { ok: true, event: { id, type, stream, version, occurredAt, payload } as RecordedEvent };
  }
  return parseWithZod(json);
}

/** The slow path and the reference: zod's verdict, with its reasons for the dead letter. */
export function parseWithZod(json: unknown): ParsedEvent {
  const env = envelope.safeParse(json);
  if (!env.success) return { ok: false, reason: `invalid envelope: ${describe(env.error)}` };
  const type = env.data.type;
  // Own keys only: "toString" is no event type.
  if (!Object.hasOwn(payloads, type))
    return { ok: false, reason: `unknown event type ${JSON.stringify(type)}` };
  const payload = payloads[type as ForklineEvent['type']].safeParse(env.data.payload);
  if (!payload.success) return { ok: false, reason: `invalid ${type} payload: ${describe(payload.error)}` };
  return { ok: true, event: { ...env.data, type, payload: payload.data } as RecordedEvent };
}

function describe(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join('.') || '(root)'} ${i.message}`).join('; ');
}

// ---- The fast path: true only for what the zod schemas above accept. ----

type Fields = Record<string, unknown>;

const isPlainObject = (v: unknown): v is Fields =>
  typeof v === 'object' && v !== null && Object.getPrototypeOf(v) === Object.prototype;
const isHash = (v: unknown) => typeof v === 'string' && HASH.test(v);
const isSats = (v: unknown) => Number.isSafeInteger(v);
const isHeight = (v: unknown) => Number.isInteger(v) && (v as number) >= 0;
const isText = (v: unknown, min: number, max: number) =>
  typeof v === 'string' && v.length >= min && v.length <= max;

const isStreams = (v: unknown) => {
  if (v === undefined) return true;
  if (!isPlainObject(v)) return false;
  for (const key in v) {
    const version = v[key];
    if (!isText(key, 1, 100) || !Number.isSafeInteger(version) || (version as number) < 1) return false;
  }
  return true;
};

const isPositiveSats = (v: unknown) => isSats(v) && (v as number) > 0;
const isOrder = (p: Fields) =>
  typeof p.orderId === 'string' && UUID.test(p.orderId) && isText(p.userId, 1, 64);
const isSide = (v: unknown) => (ORDER_SIDES as readonly unknown[]).includes(v);

/** Every key of `o` is one of `keys` (zod's .strict()); missing keys fail their own check. */
function hasOnlyKeys(o: Fields, keys: readonly string[]): boolean {
  for (const key in o) if (!keys.includes(key)) return false;
  return true;
}

const payloadChecks: Record<ForklineEvent['type'], (p: Fields) => boolean> = {
  UserRegistered: (p) => hasOnlyKeys(p, ['userId']) && isText(p.userId, 1, 64),
  AddressAdded: (p) =>
    hasOnlyKeys(p, ['userId', 'address', 'scriptPubKey', 'addressType']) &&
    isText(p.userId, 1, 64) &&
    isText(p.address, 1, 100) &&
    typeof p.scriptPubKey === 'string' &&
    HEX.test(p.scriptPubKey) &&
    (ADDRESS_TYPES as readonly unknown[]).includes(p.addressType),
  TxConfirmed: (p) =>
    hasOnlyKeys(p, [
      'txid',
      'blockHash',
      'height',
      'deltaSats',
      'receivedSats',
      'sentSats',
      'paidToOthersSats',
      'addresses',
      'coinbase',
    ]) &&
    isHash(p.txid) &&
    isHash(p.blockHash) &&
    isHeight(p.height) &&
    isSats(p.deltaSats) &&
    isSats(p.receivedSats) &&
    (p.receivedSats as number) >= 0 &&
    isSats(p.sentSats) &&
    (p.sentSats as number) >= 0 &&
    isSats(p.paidToOthersSats) &&
    (p.paidToOthersSats as number) >= 0 &&
    Array.isArray(p.addresses) &&
    p.addresses.every((a) => typeof a === 'string') &&
    (p.coinbase === undefined || typeof p.coinbase === 'boolean'),
  TxPending: (p) =>
    hasOnlyKeys(p, [
      'txid',
      'receivedSats',
      'sentSats',
      'deltaSats',
      'paidToOthersSats',
      'firstSeenAt',
      'replaceable',
    ]) &&
    isHash(p.txid) &&
    isSats(p.receivedSats) &&
    (p.receivedSats as number) >= 0 &&
    isSats(p.sentSats) &&
    (p.sentSats as number) >= 0 &&
    isSats(p.deltaSats) &&
    isSats(p.paidToOthersSats) &&
    (p.paidToOthersSats as number) >= 0 &&
    typeof p.firstSeenAt === 'string' &&
    DATETIME.test(p.firstSeenAt) &&
    typeof p.replaceable === 'boolean',
  TxDropped: (p) =>
    hasOnlyKeys(p, ['txid', 'reason', 'replacedBy']) &&
    isHash(p.txid) &&
    (DROP_REASONS as readonly unknown[]).includes(p.reason) &&
    (p.replacedBy === undefined || isHash(p.replacedBy)),
  TxReverted: (p) =>
    hasOnlyKeys(p, ['txid', 'blockHash', 'height', 'deltaSats']) &&
    isHash(p.txid) &&
    isHash(p.blockHash) &&
    isHeight(p.height) &&
    isSats(p.deltaSats),
  BlockConnected: (p) =>
    hasOnlyKeys(p, ['hash', 'height', 'prevHash', 'time', 'streams']) &&
    isHash(p.hash) &&
    isHeight(p.height) &&
    isHash(p.prevHash) &&
    Number.isInteger(p.time) &&
    isStreams(p.streams),
  BlockDisconnected: (p) =>
    hasOnlyKeys(p, ['hash', 'height', 'prevHash', 'streams']) &&
    isHash(p.hash) &&
    isHeight(p.height) &&
    (p.prevHash === undefined || isHash(p.prevHash)) &&
    isStreams(p.streams),
  OrderPlaced: (p) =>
    hasOnlyKeys(p, ['orderId', 'userId', 'side', 'amountSats', 'limitPriceEurCents']) &&
    isOrder(p) &&
    isSide(p.side) &&
    isPositiveSats(p.amountSats) &&
    (p.limitPriceEurCents === null || isPositiveSats(p.limitPriceEurCents)),
  OrderFilled: (p) =>
    hasOnlyKeys(p, ['orderId', 'userId', 'side', 'amountSats', 'priceEurCents', 'eurCents']) &&
    isOrder(p) &&
    isSide(p.side) &&
    isPositiveSats(p.amountSats) &&
    isPositiveSats(p.priceEurCents) &&
    isSats(p.eurCents) &&
    (p.eurCents as number) >= 0,
  OrderCancelled: (p) => hasOnlyKeys(p, ['orderId', 'userId']) && isOrder(p),
  OrderRejected: (p) =>
    hasOnlyKeys(p, ['orderId', 'userId', 'reason']) && isOrder(p) && isText(p.reason, 1, 500),
  SettlementBroadcast: (p) => hasOnlyKeys(p, ['orderId', 'userId', 'txid']) && isOrder(p) && isHash(p.txid),
};

function isRecordedEvent(json: unknown): json is RecordedEvent {
  if (!isPlainObject(json)) return false;
  const { id, type, stream, version, occurredAt, payload } = json;
  return (
    typeof id === 'string' &&
    UUID.test(id) &&
    typeof type === 'string' &&
    Object.hasOwn(payloadChecks, type) &&
    typeof stream === 'string' &&
    stream !== '' &&
    Number.isInteger(version) &&
    (version as number) > 0 &&
    typeof occurredAt === 'string' &&
    DATETIME.test(occurredAt) &&
    isPlainObject(payload) &&
    payloadChecks[type as ForklineEvent['type']](payload)
  );
}
