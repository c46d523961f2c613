import { describe, expect, it } from 'vitest';
import type { RecordedEvent } from '#shared/events/types.js';
import { projectUsers } from './users.js';

const at = '2026-12-01T00:00:00.000Z';
const event = (version: number, e: Pick<RecordedEvent, 'type' | 'payload'>): RecordedEvent =>
  ({ ...e, id: `e${version}`, stream: 'user:alice', version, occurredAt: at }) as RecordedEvent;

describe('projectUsers', () => {
  it('an address added with its history is rescanning until AddressRescanned names it', () => {
    const writes = projectUsers([
      event(1, { type: 'UserRegistered', payload: { userId: 'alice' } }),
      event(2, {
        type: 'AddressAdded',
        payload: { userId: 'alice', address: 'bcrt1qnew', scriptPubKey: '0014aa', addressType: 'p2wpkh' },
      }),
      event(3, {
        type: 'AddressAdded',
        payload: {
          userId: 'alice',
          address: 'bcrt1qold',
          scriptPubKey: '0014bb',
          addressType: 'p2wpkh',
          rescanFromHeight: 12,
        },
      }),
      event(4, {
        type: 'AddressRescanned',
        payload: { userId: 'alice', addresses: ['bcrt1qold'], fromHeight: 12, toHeight: 40 },
      }),
    ]);
    expect(writes.addresses.map((a) => [a.address, a.rescanFromHeight])).toEqual([
      ['bcrt1qnew', null],
      ['bcrt1qold', 12],
    ]);
    expect(writes.rescanned).toEqual(['bcrt1qold']);
  });
});
