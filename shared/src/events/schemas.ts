import { z } from 'zod';
import type { ForklineEvent, RecordedEvent } from './types.js';

/**
 * Runtime validation of events read back from Kafka: the projector refuses anything
 * these reject (a poison event) instead of writing garbage into the views.
 */
const hash = z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 hex characters');
const sats = z.number().int().safe();
const height = z.number().int().nonnegative();
const userId = z.string().min(1).max(64);

const payloads = {
  UserRegistered: z.object({ userId }).strict(),
  AddressAdded: z
    .object({
      userId,
      address: z.string().min(1).max(100),
      scriptPubKey: z.string().regex(/^[0-9a-f]+$/),
      addressType: z.enum(['p2pkh', 'p2sh', 'p2wpkh', 'p2wsh', 'p2tr']),
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
      addresses: z.array(z.string()),
    })
    .strict(),
  TxReverted: z.object({ txid: hash, blockHash: hash, height, deltaSats: sats }).strict(),
  BlockConnected: z.object({ hash, height, prevHash: hash, time: z.number().int() }).strict(),
  BlockDisconnected: z.object({ hash, height }).strict(),
} satisfies Record<ForklineEvent['type'], z.ZodTypeAny>;

export const eventTypes = Object.keys(payloads) as ForklineEvent['type'][];

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
  const env = envelope.safeParse(json);
  if (!env.success) return { ok: false, reason: `invalid envelope: ${describe(env.error)}` };
  const type = env.data.type;
  if (!(type in payloads)) return { ok: false, reason: `unknown event type ${JSON.stringify(type)}` };
  const payload = payloads[type as ForklineEvent['type']].safeParse(env.data.payload);
  if (!payload.success) return { ok: false, reason: `invalid ${type} payload: ${describe(payload.error)}` };
  return { ok: true, event: { ...env.data, type, payload: payload.data } as RecordedEvent };
}

function describe(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join('.') || '(root)'} ${i.message}`).join('; ');
}
