import { describe, expect, it } from 'vitest';
import {
  blockConnected,
  blockDisconnected,
  chainEvents,
  confirmed,
  hex,
  userEvents,
} from '../testing/events.js';
import { projectStreamAwaits } from './streamAwaits.js';

describe('projectStreamAwaits', () => {
  it('one wait per named stream, at the block below, keyed by the chain version', () => {
    const chain = chainEvents();
    const events = [
      chain.next(blockConnected('b5', 5, 'b4', { 'user:a': 3, 'user:b': 1 })),
      userEvents('a').next(confirmed('t', 'b5', 5, { deltaSats: 1 })),
      chain.next(blockDisconnected('b5', 5, { prev: 'b4', streams: { 'user:a': 4 } })),
    ];
    expect(projectStreamAwaits(events)).toEqual([
      { stream: 'user:a', chainVersion: 1, version: 3, height: 4, hash: hex('b4') },
      { stream: 'user:b', chainVersion: 1, version: 1, height: 4, hash: hex('b4') },
      { stream: 'user:a', chainVersion: 2, version: 4, height: 4, hash: hex('b4') },
    ]);
  });

  it('events written before streams existed wait for nothing', () => {
    const chain = chainEvents();
    expect(
      projectStreamAwaits([
        chain.next(blockConnected('b1', 1, 'b0')),
        chain.next(blockDisconnected('b1', 1)),
      ]),
    ).toEqual([]);
  });
});
