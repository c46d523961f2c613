/**
 * Tables the BFF writes in the online DB. What it reads in the views DB is the read
 * model's contract with the projector: LIVE_PROJECTION (#shared/views/projectionTables).
 */
export const ONLINE = {
  users: 'users',
  watchedAddresses: 'watched_addresses',
  descriptors: 'descriptors',
} as const;

/** A chain tip as the read side (or a node, or the crawler) knows it. */
export interface Tip {
  height: number;
  hash: string;
}
