import { describe, expect, it } from 'vitest';
import { txidTag } from './tags.js';
import { createUnspentTxids } from './unspentTxids.js';

const a = 'aa'.repeat(32);
const b = 'bb'.repeat(32);

describe('createUnspentTxids', () => {
  it('reflects no tip until loaded, then the tip it was loaded at and advanced to', () => {
    const u = createUnspentTxids();
    expect(u.isAt(undefined)).toBe(false);
    u.load(new Map(), undefined);
    expect(u.isAt(undefined)).toBe(true);
    u.advance('h1', [], []);
    expect(u.isAt('h1')).toBe(true);
    expect(u.isAt(undefined)).toBe(false);
    u.reset();
    expect(u.isAt('h1')).toBe(false);
  });

  it('holds unspent outpoints, and a txid’s tag while any of its outputs is unspent', () => {
    const u = createUnspentTxids();
    u.load(new Map([[a, [0]]]), 'h0');
    u.advance(
      'h1',
      [
        { txid: b, vout: 0 },
        { txid: b, vout: 1 },
      ],
      [{ txid: a, vout: 0 }],
    );
    expect([u.has(a, 0), u.mayHoldTag(txidTag(a))]).toEqual([false, false]);
    expect([u.has(b, 0), u.has(b, 1), u.has(b, 2), u.mayHoldTag(txidTag(b))]).toEqual([
      true,
      true,
      false,
      true,
    ]);
    u.advance('h2', [], [{ txid: b, vout: 0 }]);
    expect([u.has(b, 0), u.has(b, 1)]).toEqual([false, true]);
    u.advance('h3', [], [{ txid: b, vout: 1 }]);
    expect([u.has(b, 1), u.mayHoldTag(txidTag(b))]).toEqual([false, false]);
  });
});
