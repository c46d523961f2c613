/** Where the node stands against our tip, when its best block is not our tip. */
export type NodeStanding =
  /** Its chain is the one to follow: it extends our tip, or left it for a chain with more work. */
  | { kind: 'follow' }
  /** It is behind us (syncing, reindexing, lagging): nothing to revert, wait for it. */
  | { kind: 'behind'; reason: 'initial-block-download' | 'no-more-work' | 'not-higher' };

export interface OurTipWork {
  height: number;
  /** Unknown for a block stored before chainwork was (crawler migration 0105). */
  chainwork: bigint | undefined;
}

export interface NodeBest {
  height: number;
  chainwork: bigint;
  initialBlockDownload: boolean;
  /** Whether the node has our tip in its block index (as a header at least). */
  knowsOurTip: boolean;
}

/**
 * Decides by chainwork, as the node itself does: a node only leaves a chain for one with
 * more work, so one with no more work than our tip that does not know our tip has not
 * reorganised; it is behind. One that knows our tip and left it has (invalidateblock
 * leaves a chain for one with less work). In initial block download (or reindexing) the
 * node knows headers far beyond its best block, our tip's among them, so knowing our tip
 * says nothing: it is followed only once it has more work than our tip and knows it.
 * Without our tip's chainwork, height stands in for it.
 */
export function nodeStanding(ours: OurTipWork, node: NodeBest): NodeStanding {
  const moreWork = ours.chainwork === undefined ? node.height > ours.height : node.chainwork > ours.chainwork;
  if (node.initialBlockDownload) {
    return node.knowsOurTip && moreWork
      ? { kind: 'follow' }
      : { kind: 'behind', reason: 'initial-block-download' };
  }
  if (node.knowsOurTip || moreWork) return { kind: 'follow' };
  return { kind: 'behind', reason: ours.chainwork === undefined ? 'not-higher' : 'no-more-work' };
}
