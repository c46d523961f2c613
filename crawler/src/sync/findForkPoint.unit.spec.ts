import { describe, expect, it } from 'vitest';
import { findForkPoint } from './findForkPoint.js';

/** A fake header source: each chain is the list of its hashes by height, from `base`. */
function sources(node: string[], ours: string[], base = 0) {
  return {
    nodeHashAt: (h: number) => Promise.resolve(node[h - base]),
    ourHashAt: (h: number) => Promise.resolve(ours[h - base]),
  };
}

describe('findForkPoint', () => {
  it('is our tip when the node only extends our chain', async () => {
    const fork = await findForkPoint(
      { tipHeight: 2, lowestHeight: 0 },
      4,
      sources(['a', 'b', 'c', 'd', 'e'], ['a', 'b', 'c']),
    );
    expect(fork).toEqual({ kind: 'fork', height: 2, hash: 'c' });
  });

  it('walks back to the last common block in a reorg to a longer chain', async () => {
    const fork = await findForkPoint(
      { tipHeight: 3, lowestHeight: 0 },
      4,
      sources(['a', 'b', 'x', 'y', 'z'], ['a', 'b', 'c', 'd']),
    );
    expect(fork).toEqual({ kind: 'fork', height: 1, hash: 'b' });
  });

  it('handles a chain of the same height', async () => {
    const fork = await findForkPoint(
      { tipHeight: 2, lowestHeight: 0 },
      2,
      sources(['a', 'b', 'x'], ['a', 'b', 'c']),
    );
    expect(fork).toEqual({ kind: 'fork', height: 1, hash: 'b' });
  });

  it('handles the node’s tip going down', async () => {
    const fork = await findForkPoint(
      { tipHeight: 3, lowestHeight: 0 },
      1,
      sources(['a', 'b'], ['a', 'b', 'c', 'd']),
    );
    expect(fork).toEqual({ kind: 'fork', height: 1, hash: 'b' });
  });

  it('reports a reorg deeper than our history', async () => {
    const fork = await findForkPoint(
      { tipHeight: 12, lowestHeight: 10 },
      13,
      sources(['x', 'y', 'z', 'w'], ['a', 'b', 'c'], 10),
    );
    expect(fork).toEqual({ kind: 'too-deep', lowestHeight: 10 });
  });
});
