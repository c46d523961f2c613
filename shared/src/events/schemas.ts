import { z } from 'zod';
import { ADDRESS_TYPES, DROP_REASONS, HASH, HEX, ORDER_SIDES } from './eventPatterns.js';
import { isRecordedEvent } from './isRecordedEvent.js';
import type { ForklineEvent, RecordedEvent } from './types.js';

/**
 * Runtime validation of events read back from Kafka: the projector refuses anything
 * these reject (a poison event) instead of writing garbage into the views.
 *
 * Two layers with one meaning. The zod schemas are the definition and produce the
 * reasons of a dead letter. The hand-written checks (isRecordedEvent.ts) are the fast path for
 * the valid events that are nearly all of the traffic: zod costs ~30 µs an event,
 * which capped the projector. They accept a subset of what zod accepts (the spec
 * compares both on mutated events); whatever they refuse is parsed again by zod, so
 * a poison event gets exactly zod's verdict and reason.
 */

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
      rescanFromHeight: height.optional(),
    })
    .strict(),
  AddressRescanned: z
    .object({
      userId,
      addresses: z.array(z.string().min(1).max(100)).min(1),
      fromHeight: height,
      toHeight: z.number().int().min(-1),
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
