/** Tables the BFF reads or writes. Online DB: the write side; views DB: schema `projection`. */
export const ONLINE = {
  users: 'users',
  watchedAddresses: 'watched_addresses',
} as const;

export const VIEWS = {
  balances: 'projection.balances',
  activities: 'projection.activities',
  chainBlocks: 'projection.chain_blocks',
  users: 'projection.users',
  parkedEvents: 'projection.parked_events',
  deadLetters: 'projection.dead_letters',
} as const;

/** A chain tip as the read side (or a node, or the crawler) knows it. */
export interface Tip {
  height: number;
  hash: string;
}
