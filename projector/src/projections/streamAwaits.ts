import type { RecordedEvent } from '#shared/events/types.js';

/** A chain event's wait on one user stream (a row of stream_awaits). */
export interface StreamAwait {
  stream: string;
  /** The chain event's version: the earliest unmet one sets the user's position. */
  chainVersion: number;
  /** The version the user's stream must reach. */
  version: number;
  /** The position claimed meanwhile: the block below the event's block. */
  height: number;
  hash: string;
}

/**
 * The waits of the chain events applied in a batch: one per stream the event names.
 * A BlockConnected at N leaves its users at N−1 (its prevHash) until their streams catch
 * up; a BlockDisconnected of N does too — claiming N with the orphaned hash would let a
 * read at height N show a transaction as confirmed in a block no longer in the chain.
 * Events without `streams` (written before it existed) or a disconnect without
 * `prevHash` wait for nothing.
 */
export function projectStreamAwaits(events: readonly RecordedEvent[]): StreamAwait[] {
  const awaits: StreamAwait[] = [];
  for (const event of events) {
    if (event.type !== 'BlockConnected' && event.type !== 'BlockDisconnected') continue;
    const { streams, prevHash, height } = event.payload;
    if (!streams || prevHash === undefined) continue;
    for (const [stream, version] of Object.entries(streams)) {
      awaits.push({ stream, chainVersion: event.version, version, height: height - 1, hash: prevHash });
    }
  }
  return awaits;
}
