import { describe, expect, it } from 'vitest';
import type { BalanceView } from '../db/readBalances.js';
import { createBalanceBatcher } from './balanceBatcher.js';

const view = (userId: string): BalanceView => ({
  userId,
  confirmedSats: 1,
  pendingSats: 0,
  immatureSats: 0,
  totalSats: 1,
  txCount: 1,
  version: 2,
  rescanning: false,
  tip: { height: 7, hash: 'ab' },
});

/** A fake read side knowing `known`, recording each statement's user ids. */
function fakeReads(known: string[]) {
  const statements: string[][] = [];
  return {
    statements,
    readBalances: (userIds: readonly string[]) => {
      statements.push([...userIds]);
      return Promise.resolve(new Map(userIds.filter((id) => known.includes(id)).map((id) => [id, view(id)])));
    },
  };
}

describe('balanceBatcher', () => {
  it('reads the users asked for in one turn with one statement, each once', async () => {
    const reads = fakeReads(['a', 'b']);
    const batcher = createBalanceBatcher(reads);
    const answers = await Promise.all(['a', 'b', 'a', 'nobody'].map((id) => batcher.read(id)));
    expect(answers).toEqual([view('a'), view('b'), view('a'), undefined]);
    expect(reads.statements).toEqual([['a', 'b', 'nobody']]);
  });

  it('a later turn gets a new statement', async () => {
    const reads = fakeReads(['a']);
    const batcher = createBalanceBatcher(reads);
    await batcher.read('a');
    await batcher.read('a');
    expect(reads.statements).toEqual([['a'], ['a']]);
  });

  it('sends a full batch at once and the rest in the next statement', async () => {
    const reads = fakeReads(['a', 'b', 'c']);
    const batcher = createBalanceBatcher({ ...reads, maxBatch: 2 });
    const answers = await Promise.all(['a', 'b', 'c'].map((id) => batcher.read(id)));
    expect(answers).toEqual([view('a'), view('b'), view('c')]);
    expect(reads.statements).toEqual([['a', 'b'], ['c']]);
  });

  it('a failed statement fails every read of its batch, and the next batch reads again', async () => {
    let fail = true;
    const batcher = createBalanceBatcher({
      readBalances: (userIds) =>
        fail
          ? Promise.reject(new Error('db down'))
          : Promise.resolve(new Map(userIds.map((id) => [id, view(id)]))),
    });
    const failed = await Promise.allSettled([batcher.read('a'), batcher.read('b')]);
    expect(failed.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    fail = false;
    await expect(batcher.read('a')).resolves.toEqual(view('a'));
  });
});
