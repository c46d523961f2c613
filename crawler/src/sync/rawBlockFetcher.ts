import type { ChainSource } from '../node/chainSource.js';

/** Block hashes asked of the node per request while catching up. */
export const HASH_BATCH = 32;

/**
 * The node's raw blocks by height over a range, as a sync pass fetches them: the hashes
 * asked in batches of HASH_BATCH (a getblockhash request per block was as costly as the
 * block's own fetch), then each block by its hash. A hash may be stale by the time its
 * block is used: the caller checks that each block extends the one before. Undefined for a
 * height the node no longer has.
 */
export function createRawBlockFetcher(source: ChainSource, { from, to }: { from: number; to: number }) {
  const batches = new Map<number, Promise<string[]>>();
  const hashAt = async (height: number): Promise<string | undefined> => {
    const batch = Math.floor((height - from) / HASH_BATCH);
    let hashes = batches.get(batch);
    if (!hashes) {
      const start = from + batch * HASH_BATCH;
      hashes = source.hashesFrom(start, Math.min(HASH_BATCH, to - start + 1));
      hashes.catch(() => undefined); // awaited below; a sibling may never be
      batches.set(batch, hashes);
      // Heights are asked nearly in order: batches two below are done with.
      batches.delete(batch - 2);
    }
    return (await hashes)[height - from - batch * HASH_BATCH];
  };
  return async (height: number): Promise<{ hash: string; raw: Uint8Array } | undefined> => {
    const hash = await hashAt(height);
    return hash === undefined ? undefined : { hash, raw: await source.rawBlock(hash) };
  };
}
