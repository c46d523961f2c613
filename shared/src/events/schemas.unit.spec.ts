import { describe, expect, it } from 'vitest';
import { parseRecordedEvent } from './schemas.js';

const h = (c: string) => c.repeat(64);
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
