import { describe, expect, it } from 'vitest';
import { parseRecordedEvent, parseWithZod } from './schemas.js';

const h = (c: string) => c.repeat(64);
const ORDER = '0b7c6f0e-3f7e-4c1a-9a52-2b8f5d6f0a11';
const base = {
  id: '0b7c6f0e-3f7e-4c1a-9a52-2b8f5d6f0a11',
  stream: 'user:alice',
  version: 3,
  occurredAt: '2026-01-01T00:00:00.000Z',
};

describe('parseRecordedEvent', () => {
  it('accepts a valid TxConfirmed', () => {
    const payload = {
      txid: h('a'),
      blockHash: h('b'),
      height: 5,
      deltaSats: -10,
      receivedSats: 0,
      sentSats: 10,
      paidToOthersSats: 8,
      addresses: ['x'],
    };
    expect(parseRecordedEvent({ ...base, type: 'TxConfirmed', payload })).toEqual({
      ok: true,
      event: { ...base, type: 'TxConfirmed', payload },
    });
  });

  it.each([
    [{ ...base, type: 'Nope', payload: {} }, /unknown event type "Nope"/],
    [
      { ...base, type: 'TxReverted', payload: { txid: 'zz', blockHash: h('b'), height: 1, deltaSats: 1 } },
      /invalid TxReverted payload: txid/,
    ],
    [{ ...base, version: 0, type: 'UserRegistered', payload: { userId: 'a' } }, /invalid envelope: version/],
    [
      { ...base, type: 'UserRegistered', payload: { userId: 'a', extra: 1 } },
      /invalid UserRegistered payload/,
    ],
    ['not an object', /invalid envelope/],
  ])('rejects poison %#', (json, reason) => {
    const parsed = parseRecordedEvent(json);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.reason).toMatch(reason);
  });
});

describe('parseRecordedEvent fast path', () => {
  // Every type once, then each field replaced by values around every rule: whatever
  // the hand-written checks decide, the result must be exactly zod's (event or reason).
  const valid: Record<string, unknown>[] = [
    { ...base, type: 'UserRegistered', payload: { userId: 'alice' } },
    {
      ...base,
      type: 'AddressAdded',
      payload: { userId: 'alice', address: 'bcrt1qxyz', scriptPubKey: '0014ab', addressType: 'p2wpkh' },
    },
    {
      ...base,
      type: 'AddressAdded',
      payload: {
        userId: 'alice',
        address: 'bcrt1qold',
        scriptPubKey: '0014cd',
        addressType: 'p2wpkh',
        rescanFromHeight: 0,
      },
    },
    {
      ...base,
      type: 'AddressRescanned',
      payload: { userId: 'alice', addresses: ['bcrt1qold'], fromHeight: 0, toHeight: 120 },
    },
    {
      ...base,
      type: 'TxConfirmed',
      payload: {
        txid: h('a'),
        blockHash: h('b'),
        height: 0,
        deltaSats: -10,
        receivedSats: 5,
        sentSats: 15,
        paidToOthersSats: 0,
        addresses: ['x', 'y'],
      },
    },
    {
      ...base,
      type: 'TxConfirmed',
      payload: {
        txid: h('a'),
        blockHash: h('b'),
        height: 3,
        deltaSats: 50,
        receivedSats: 50,
        sentSats: 0,
        paidToOthersSats: 0,
        addresses: ['x'],
        coinbase: true,
      },
    },
    {
      ...base,
      type: 'TxPending',
      payload: {
        txid: h('a'),
        receivedSats: 5,
        sentSats: 15,
        deltaSats: -10,
        paidToOthersSats: 9,
        firstSeenAt: '2026-01-01T00:00:00.000Z',
        replaceable: true,
      },
    },
    { ...base, type: 'TxDropped', payload: { txid: h('a'), reason: 'replaced', replacedBy: h('e') } },
    { ...base, type: 'TxDropped', payload: { txid: h('a'), reason: 'evicted' } },
    { ...base, type: 'TxReverted', payload: { txid: h('a'), blockHash: h('b'), height: 7, deltaSats: 3 } },
    {
      ...base,
      stream: 'chain',
      type: 'BlockConnected',
      payload: { hash: h('c'), height: 1, prevHash: h('d'), time: -1 },
    },
    { ...base, stream: 'chain', type: 'BlockDisconnected', payload: { hash: h('c'), height: 1 } },
    {
      ...base,
      stream: 'chain',
      type: 'BlockConnected',
      payload: { hash: h('c'), height: 2, prevHash: h('d'), time: 5, streams: { 'user:a': 3, 'user:b': 1 } },
    },
    {
      ...base,
      stream: 'chain',
      type: 'BlockDisconnected',
      payload: { hash: h('c'), height: 2, prevHash: h('d'), streams: { 'user:a': 4 } },
    },
    ...[
      {
        type: 'OrderPlaced',
        payload: { orderId: ORDER, userId: 'u1', side: 'buy', amountSats: 10, limitPriceEurCents: null },
      },
      {
        type: 'OrderPlaced',
        payload: { orderId: ORDER, userId: 'u1', side: 'sell', amountSats: 10, limitPriceEurCents: 5 },
      },
      {
        type: 'OrderFilled',
        payload: {
          orderId: ORDER,
          userId: 'u1',
          side: 'sell',
          amountSats: 10,
          priceEurCents: 9,
          eurCents: 0,
        },
      },
      { type: 'OrderCancelled', payload: { orderId: ORDER, userId: 'u1' } },
      { type: 'OrderRejected', payload: { orderId: ORDER, userId: 'u1', reason: 'insufficient funds' } },
      { type: 'SettlementBroadcast', payload: { orderId: ORDER, userId: 'u1', txid: h('a') } },
    ].map((e) => ({ ...base, stream: `order:${ORDER}`, ...e })),
  ];
  const DROP = Symbol('drop');
  const values: unknown[] = [
    DROP,
    undefined,
    null,
    true,
    '',
    'x',
    'A'.repeat(64),
    h('f'),
    h('f') + 'f',
    'x'.repeat(64),
    'x'.repeat(65),
    'x'.repeat(100),
    'x'.repeat(101),
    'abc123',
    'ABC',
    'p2tr',
    'p2pk',
    'replaced',
    'conflict',
    'evicted',
    'buy',
    'sell',
    'Buy',
    false,
    'toString',
    'UserRegistered',
    '0b7c6f0e-3f7e-4c1a-9a52-2b8f5d6f0a11',
    '0B7C6F0E-3F7E-4C1A-9A52-2B8F5D6F0A11',
    '0b7c6f0e3f7e4c1a9a522b8f5d6f0a11',
    '2024-02-29T23:59:59.123456Z',
    '2026-02-29T00:00:00Z',
    '2026-04-31T00:00:00Z',
    '2026-01-01T00:00Z',
    '2026-01-01T24:00:00Z',
    '2026-01-01T00:00:00+0100',
    '2026-01-01T00:00:00-01:30',
    '2026-01-01T00:00:00',
    '2026-01-01 00:00:00Z',
    0,
    1,
    -1,
    1.5,
    2 ** 53 - 1,
    2 ** 53,
    -(2 ** 53),
    NaN,
    Infinity,
    [],
    ['x'],
    [1],
    {},
    { userId: 'a' },
    { 'user:a': 1 },
    { 'user:a': 0 },
    { 'user:a': 1.5 },
    { 'user:a': '1' },
    { '': 1 },
    { ['x'.repeat(101)]: 1 },
    new Date(0),
  ];
  const cases: unknown[] = ['{}', 42, null, [], ...valid];
  for (const event of valid) {
    cases.push({ ...event, extra: 1 }, { ...event, payload: { ...(event.payload as object), extra: 1 } });
    for (const key of Object.keys(event)) {
      for (const value of values) {
        const copy: Record<string, unknown> = { ...event };
        if (value === DROP) delete copy[key];
        else copy[key] = value;
        cases.push(copy);
      }
    }
    for (const key of Object.keys(event.payload as object)) {
      for (const value of values) {
        const payload: Record<string, unknown> = { ...(event.payload as object) };
        if (value === DROP) delete payload[key];
        else payload[key] = value;
        cases.push({ ...event, payload });
      }
    }
  }

  it(`gives exactly zod's result on ${cases.length} valid and mutated events`, () => {
    let accepted = 0;
    for (const json of cases) {
      const parsed = parseRecordedEvent(json);
      expect(parsed, JSON.stringify(json)).toStrictEqual(parseWithZod(json));
      if (parsed.ok) accepted++;
    }
    expect(accepted).toBeGreaterThan(valid.length); // some mutations are still valid events
  });

  it('drops envelope keys it does not know, as zod does', () => {
    const parsed = parseRecordedEvent({ ...valid[0], headers: { a: 1 } });
    expect(parsed).toStrictEqual({ ok: true, event: valid[0] });
  });

  it('names an inherited property as an unknown type instead of throwing', () => {
    expect(parseRecordedEvent({ ...base, type: 'toString', payload: {} })).toEqual({
      ok: false,
      reason: 'unknown event type "toString"',
    });
  });
});
