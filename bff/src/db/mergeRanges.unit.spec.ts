import { describe, expect, it } from 'vitest';
import { mergeRanges } from './mergeRanges.js';

describe('mergeRanges', () => {
  it('sorts, and joins overlapping and adjacent ranges so each row is read once', () => {
    expect(
      mergeRanges([
        { from: 20, to: 25 },
        { from: 1, to: 5 },
        { from: 6, to: 8 },
        { from: 3, to: 4 },
        { from: 24, to: 30 },
        { from: 40, to: 40 },
      ]),
    ).toEqual([
      { from: 1, to: 8 },
      { from: 20, to: 30 },
      { from: 40, to: 40 },
    ]);
    expect(mergeRanges([])).toEqual([]);
  });
});
