import { describe, expect, it } from 'vitest';
import { parseRecordedEvent } from '#shared/events/schemas.js';
import { chunkByBytes, EVENT_HEADERS, messageBytes, toKafkaMessage } from './toKafkaMessage.js';

const row = {
  id: 7,
  eventId: '0b7c6f0e-3f7e-4c1a-9a52-2b8f5d6f0a11',
  stream: 'user:alice',
  partitionKey: 'user:alice',
  version: 3,
  type: 'UserRegistered',
  payloadJson: '{"userId": "alice"}',
  occurredAt: new Date('2026-01-01T00:00:00.123Z'),
};

describe('toKafkaMessage', () => {
  it('keys by stream and carries exactly the recorded envelope the projector parses', () => {
    const message = toKafkaMessage(row);
    expect(message.key).toBe('user:alice');
    const value: unknown = JSON.parse(message.value);
    expect(value).toEqual({
      id: row.eventId,
      type: 'UserRegistered',
      stream: 'user:alice',
      version: 3,
      occurredAt: '2026-01-01T00:00:00.123Z',
      payload: { userId: 'alice' },
    });
    expect(parseRecordedEvent(value).ok).toBe(true);
    expect(message.headers).toEqual({
      [EVENT_HEADERS.type]: 'UserRegistered',
      [EVENT_HEADERS.stream]: 'user:alice',
      [EVENT_HEADERS.version]: '3',
      [EVENT_HEADERS.eventId]: row.eventId,
    });
    expect(messageBytes(message)).toBeGreaterThan(message.value.length);
  });

  it("keys an order's event by its partition key (its user's stream), the envelope naming its own stream", () => {
    const message = toKafkaMessage({ ...row, stream: 'order:o1', partitionKey: 'user:alice' });
    expect(message.key).toBe('user:alice');
    expect(JSON.parse(message.value)).toMatchObject({ stream: 'order:o1' });
    expect(message.headers[EVENT_HEADERS.stream]).toBe('order:o1');
  });

  it('keeps a stream with quotes and unicode valid JSON', () => {
    const message = toKafkaMessage({ ...row, stream: 'user:"ä"', payloadJson: '{"a": [1, "é"]}' });
    expect(JSON.parse(message.value)).toMatchObject({ stream: 'user:"ä"', payload: { a: [1, 'é'] } });
  });
});

describe('chunkByBytes', () => {
  const size = (n: number) => n;
  it.each([
    [[], 10, []],
    [[3, 3, 3], 10, [[3, 3, 3]]],
    [[4, 4, 4], 10, [[4, 4], [4]]],
    [[12, 1, 1], 10, [[12], [1, 1]]],
    [[1, 12, 1], 10, [[1], [12], [1]]],
  ])('splits %j under %i in order', (items, max, chunks) => {
    expect(chunkByBytes(items, max, size)).toEqual(chunks);
  });
});
