import type { RecordedEvent } from '#shared/events/types.js';

export interface ChainBlock {
  height: number;
  hash: string;
  prevHash: string;
  time: number;
}

export interface ChainWrites {
  /** Blocks to delete: only if that height still holds that hash. */
  disconnected: { height: number; hash: string }[];
  connected: ChainBlock[];
}

/**
 * Folds BlockConnected/BlockDisconnected into the last word per height, so a reorg
 * inside one batch (disconnect 101, 100; connect 100', 101', 102') becomes one delete
 * and one upsert statement. The tip is the highest remaining row, so
 * confirmations = tip − height + 1.
 */
export function projectChainTip(events: readonly RecordedEvent[]): ChainWrites {
  const byHeight = new Map<
    number,
    { kind: 'connected'; block: ChainBlock } | { kind: 'gone'; hash: string }
  >();
  for (const event of events) {
    if (event.type === 'BlockConnected') {
      const { height, hash, prevHash, time } = event.payload;
      byHeight.set(height, { kind: 'connected', block: { height, hash, prevHash, time } });
    } else if (event.type === 'BlockDisconnected') {
      byHeight.set(event.payload.height, { kind: 'gone', hash: event.payload.hash });
    }
  }
  const writes: ChainWrites = { disconnected: [], connected: [] };
  for (const [height, last] of byHeight) {
    if (last.kind === 'connected') writes.connected.push(last.block);
    else writes.disconnected.push({ height, hash: last.hash });
  }
  return writes;
}
