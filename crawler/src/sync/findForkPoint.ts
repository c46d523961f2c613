/** Block hashes by height, on the node's main chain and on ours. */
export interface HeaderSources {
  nodeHashAt(height: number): Promise<string | undefined>;
  ourHashAt(height: number): Promise<string | undefined>;
}

export type ForkPoint =
  /** The highest height where both chains hold the same block. */
  | { kind: 'fork'; height: number; hash: string }
  /** No common block at or above our lowest block: the reorg is deeper than our history. */
  | { kind: 'too-deep'; lowestHeight: number };

/**
 * Walks back from the lower of the two tips until the node's block at a height is the
 * one we hold there. Another reorg on the node during the walk can only make the
 * answer stale, never wrong for what follows: every block applied afterwards is
 * checked against its predecessor, and a break starts the sync over.
 */
export async function findForkPoint(
  ours: { tipHeight: number; lowestHeight: number },
  nodeTipHeight: number,
  sources: HeaderSources,
): Promise<ForkPoint> {
  for (let h = Math.min(ours.tipHeight, nodeTipHeight); h >= ours.lowestHeight; h--) {
    const [nodeHash, ourHash] = await Promise.all([sources.nodeHashAt(h), sources.ourHashAt(h)]);
    if (nodeHash !== undefined && nodeHash === ourHash) return { kind: 'fork', height: h, hash: nodeHash };
  }
  return { kind: 'too-deep', lowestHeight: ours.lowestHeight };
}
