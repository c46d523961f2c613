import type { Pool } from '#shared/db/pool.js';
import { withTransaction } from '#shared/db/withTransaction.js';
import type { ForklineEvent } from '#shared/events/types.js';
import { appendToStream } from '#shared/outbox/appendToStream.js';

const hex64 = (n: number) => n.toString(16).padStart(64, '0');

/** A valid TxConfirmed whose payload is padded with addresses to about `payloadBytes`. */
export function sampleEvent(n: number, payloadBytes = 200): ForklineEvent {
  const addresses: string[] = [];
  let size = 250;
  while (size < payloadBytes) {
    addresses.push(`bcrt1q${n.toString(36).padStart(36, 'q')}`);
    size += 45;
  }
  return {
    type: 'TxConfirmed',
    payload: {
      txid: hex64(n),
      blockHash: hex64(n + 1),
      height: n,
      deltaSats: 1_000 + n,
      receivedSats: 1_000 + n,
      sentSats: 0,
      paidToOthersSats: 0,
      addresses,
    },
  };
}

/**
 * Appends `count` events over `streams` streams, `perTransaction` per transaction, each
 * transaction to one stream; returns the event ids in commit order.
 */
export async function writeEvents(
  db: Pool,
  options: { prefix: string; count: number; streams: number; perTransaction?: number; payloadBytes?: number },
): Promise<string[]> {
  const { prefix, count, streams, perTransaction = 5, payloadBytes } = options;
  const ids: string[] = [];
  for (let i = 0, t = 0; i < count; t++) {
    const n = Math.min(perTransaction, count - i);
    const events = Array.from({ length: n }, (_, k) => sampleEvent(i + k, payloadBytes));
    const recorded = await withTransaction(db, (tx) =>
      appendToStream(tx, `${prefix}:${t % streams}`, events),
    );
    ids.push(...recorded.map((e) => e.id));
    i += n;
  }
  return ids;
}
