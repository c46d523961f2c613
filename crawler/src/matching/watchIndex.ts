import { createTagFilter } from './tagFilter.js';
import { bytesTag } from './tags.js';
import type { WatchEntry } from './types.js';

/**
 * The in-memory index of watched scripts: script hex → owner. Addresses are converted
 * to scripts once, at registration, so matching an output is one Map lookup.
 */
export function createWatchIndex() {
  const byScript = new Map<string, WatchEntry>();
  const addresses = new Set<string>();
  // Never shrink: the index only grows (addresses are not unwatched).
  const tags = new Set<number>();
  const filter = createTagFilter();
  return {
    get: (scriptHex: string): WatchEntry | undefined => byScript.get(scriptHex),
    mayHoldTag: (scriptTag: number): boolean => filter.mayHold(scriptTag) && tags.has(scriptTag),
    add(scriptPubKey: Uint8Array, entry: WatchEntry): boolean {
      const key = Buffer.from(scriptPubKey.buffer, scriptPubKey.byteOffset, scriptPubKey.byteLength).toString(
        'hex',
      );
      if (byScript.has(key)) return false;
      byScript.set(key, entry);
      const tag = bytesTag(scriptPubKey, 0, scriptPubKey.byteLength);
      tags.add(tag);
      filter.add(tag);
      addresses.add(entry.address);
      return true;
    },
    has: (address: string): boolean => addresses.has(address),
    get size(): number {
      return byScript.size;
    },
  };
}

export type WatchIndex = ReturnType<typeof createWatchIndex>;
