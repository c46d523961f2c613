import { ADDRESS_TYPES, DATETIME, DROP_REASONS, HASH, HEX, ORDER_SIDES, UUID } from './eventPatterns.js';
import type { ForklineEvent, RecordedEvent } from './types.js';

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
    hasOnlyKeys(p, ['userId', 'address', 'scriptPubKey', 'addressType', 'rescanFromHeight']) &&
    isText(p.userId, 1, 64) &&
    isText(p.address, 1, 100) &&
    typeof p.scriptPubKey === 'string' &&
    HEX.test(p.scriptPubKey) &&
    (ADDRESS_TYPES as readonly unknown[]).includes(p.addressType) &&
    (p.rescanFromHeight === undefined || isHeight(p.rescanFromHeight)),
  AddressRescanned: (p) =>
    hasOnlyKeys(p, ['userId', 'addresses', 'fromHeight', 'toHeight']) &&
    isText(p.userId, 1, 64) &&
    Array.isArray(p.addresses) &&
    p.addresses.length > 0 &&
    p.addresses.every((a) => isText(a, 1, 100)) &&
    isHeight(p.fromHeight) &&
    Number.isInteger(p.toHeight) &&
    (p.toHeight as number) >= -1,
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

/**
 * The fast path of parseRecordedEvent (schemas.ts): hand-written guards, true only for
 * what the zod schemas accept; what they refuse is parsed again by zod for its reason.
 */
export function isRecordedEvent(json: unknown): json is RecordedEvent {
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
