import { describe, expect, it } from 'vitest';
import { partitionKey } from './partitionKey.js';

describe('partitionKey', () => {
  it("keys an order's events by their user's stream", () => {
    expect(partitionKey('order:o1', { orderId: 'o1', userId: 'alice', txid: 'ab' })).toBe('user:alice');
  });

  it('keys every other event by its stream', () => {
    expect(partitionKey('user:alice', { userId: 'alice' })).toBe('user:alice');
    expect(partitionKey('chain', { hash: '00', height: 1 })).toBe('chain');
  });

  it('keeps the stream when an order payload names no user', () => {
    expect(partitionKey('order:o1', {})).toBe('order:o1');
  });
});
