import { describe, expect, it } from 'vitest';
import { analyseDelivery } from './analyseDelivery.js';

const d = (eventId: string, stream: string, version: number) => ({ eventId, stream, version });

describe('analyseDelivery', () => {
  it('counts duplicates and missing events', () => {
    const report = analyseDelivery(['a', 'b', 'c'], [d('a', 's', 1), d('b', 's', 2), d('a', 's', 1)]);
    expect(report).toEqual({
      received: 3,
      distinct: 2,
      duplicates: 1,
      missing: ['c'],
      outOfOrderStreams: [],
    });
  });

  it('flags a stream whose versions first arrive out of order, not a re-delivery', () => {
    const redelivered = [d('a', 's', 1), d('b', 's', 2), d('a', 's', 1), d('b', 's', 2), d('c', 's', 3)];
    expect(analyseDelivery(['a', 'b', 'c'], redelivered).outOfOrderStreams).toEqual([]);
    const swapped = [d('b', 's', 2), d('a', 's', 1), d('x', 't', 1)];
    expect(analyseDelivery(['a', 'b', 'x'], swapped).outOfOrderStreams).toEqual(['s']);
  });
});
