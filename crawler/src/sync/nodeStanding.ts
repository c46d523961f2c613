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
  /** Whether the node holds our tip's block (its header alone does not count). */
  holdsOurTip: boolean;
}

/**
 * Decides by chainwork, as the node itself does: a node only leaves a chain for one with
 * more work, so one with no more work than our tip that does not hold our tip has not
 * reorganised; it is behind (lagging, or with only the header of our tip so far). One that
 * holds our tip and left it has (invalidateblock leaves a chain for one with less work).
 * In initial block download (or reindexing) the node may hold blocks far beyond its best
 * one, so holding our tip says nothing: it is followed only once it has more work than
 * our tip and holds it. Without our tip's chainwork, height stands in for it.
 */
export function nodeStanding(ours: OurTipWork, node: NodeBest): NodeStanding {
  const moreWork = ours.chainwork === undefined ? node.height > ours.height : node.chainwork > ours.chainwork;
  if (node.initialBlockDownload) {
    return node.holdsOurTip && moreWork
      ? { kind: 'follow' }
      : { kind: 'behind', reason: 'initial-block-download' };
  }
  if (node.holdsOurTip || moreWork) return { kind: 'follow' };
  return { kind: 'behind', reason: ours.chainwork === undefined ? 'not-higher' : 'no-more-work' };
}
