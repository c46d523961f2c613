import { describe, expect, it } from 'vitest';
import { nodeStanding, type NodeBest } from './nodeStanding.js';

const ours = { height: 100, chainwork: 0x1000n };
const node = (over: Partial<NodeBest>): NodeBest => ({
  height: 100,
  chainwork: 0x1000n,
  initialBlockDownload: false,
  holdsOurTip: false,
  ...over,
});
const follow = { kind: 'follow' };
const behind = (reason: string) => ({ kind: 'behind', reason });

describe('nodeStanding', () => {
  it('a node that does not know our tip is behind unless it has more work', () => {
    expect(nodeStanding(ours, node({ chainwork: 0xfffn, height: 99 }))).toEqual(behind('no-more-work'));
    // Equal work on another branch: the node would not switch to ours either.
    expect(nodeStanding(ours, node({}))).toEqual(behind('no-more-work'));
    // More work: a reorg, whatever the heights.
    expect(nodeStanding(ours, node({ chainwork: 0x1001n }))).toEqual(follow);
    expect(nodeStanding(ours, node({ chainwork: 0x1001n, height: 90 }))).toEqual(follow);
  });

  it('compares work, not height: a higher chain with less work is behind', () => {
    expect(nodeStanding(ours, node({ chainwork: 0xfffn, height: 120 }))).toEqual(behind('no-more-work'));
  });

  it('compares the numbers, not their text', () => {
    const big = { height: 100, chainwork: 0x10_0000_0000_0000_0000n };
    expect(nodeStanding(big, node({ chainwork: 0xf_ffff_ffff_ffff_ffffn }))).toEqual(behind('no-more-work'));
    expect(nodeStanding(big, node({ chainwork: 0x10_0000_0000_0000_0001n }))).toEqual(follow);
  });

  it('a node that holds our tip and left it is followed, even with less work (invalidateblock)', () => {
    expect(nodeStanding(ours, node({ holdsOurTip: true, chainwork: 0xffen, height: 99 }))).toEqual(follow);
    expect(nodeStanding(ours, node({ holdsOurTip: true, chainwork: 0x1002n }))).toEqual(follow);
  });

  it('in initial block download, only more work and our tip held make it followed', () => {
    const ibd = { initialBlockDownload: true };
    // It may hold our tip's block before the ones below it: still behind.
    expect(nodeStanding(ours, node({ ...ibd, holdsOurTip: true, height: 0, chainwork: 2n }))).toEqual(
      behind('initial-block-download'),
    );
    expect(nodeStanding(ours, node({ ...ibd, chainwork: 0x2000n, height: 200 }))).toEqual(
      behind('initial-block-download'),
    );
    expect(nodeStanding(ours, node({ ...ibd, holdsOurTip: true, chainwork: 0x1001n }))).toEqual(follow);
  });

  it('without our chainwork (a block stored before it was), compares heights', () => {
    const old = { height: 100, chainwork: undefined };
    expect(nodeStanding(old, node({ chainwork: 0xffffffn }))).toEqual(behind('not-higher'));
    expect(nodeStanding(old, node({ height: 101, chainwork: 1n }))).toEqual(follow);
    expect(nodeStanding(old, node({ holdsOurTip: true, height: 50 }))).toEqual(follow);
  });
});
