import { Subscriber } from 'zeromq';
import type { Logger } from '#shared/logging/logger.js';
import { sharedPromise } from '#shared/lifecycle/sharedPromise.js';

// sequence bodies: 32-byte hash, one label byte, then (mempool only) an 8-byte number.
const CONNECTED = 'C'.charCodeAt(0);
const DISCONNECTED = 'D'.charCodeAt(0);
const ADDED = 'A'.charCodeAt(0);
const REMOVED = 'R'.charCodeAt(0);

/** A mempool change as `sequence` announces it, with its mempool sequence number. */
export interface MempoolChange {
  kind: 'A' | 'R';
  txid: string;
  sequence: number;
}

/** What the mempool follower hears: a change, or a block (the sequence jumps with it). */
export type MempoolMessage = MempoolChange | { kind: 'block' };

/** True for ZMQ messages that announce a block change (not mempool traffic). */
export function isBlockNotification(topic: string, body: Uint8Array | undefined): boolean {
  if (topic === 'hashblock') return true;
  if (topic !== 'sequence' || !body || body.length < 33) return false;
  return body[32] === CONNECTED || body[32] === DISCONNECTED;
}

/**
 * A `sequence` message for a transaction added to (A) or removed from (R) the mempool —
 * R only for reasons other than a block mining it. The hash is sent in display order.
 */
export function parseMempoolChange(topic: string, body: Uint8Array | undefined): MempoolChange | undefined {
  if (topic !== 'sequence' || !body || body.length !== 41) return undefined;
  if (body[32] !== ADDED && body[32] !== REMOVED) return undefined;
  const bytes = Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  return {
    kind: body[32] === ADDED ? 'A' : 'R',
    txid: bytes.toString('hex', 0, 32),
    sequence: Number(bytes.readBigUInt64LE(33)),
  };
}

/**
 * Wakes the sync on ZMQ `hashblock` and on `sequence` block connects/disconnects. ZMQ is
 * lossy (high-water marks, reconnects, node restarts): a message only means "look now";
 * the poll timer stays the safety net. Only `sequence` announces a tip going down.
 * Mempool changes go to `onMempool` (and wake the sync too, which applies them).
 */
export function createZmqWakeups({
  endpoint,
  onWake,
  onMempool,
  log,
}: {
  endpoint: string;
  onWake: () => void;
  onMempool?: (message: MempoolMessage) => void;
  log: Logger;
}) {
  // A burst of mempool traffic must not be cut at the high-water mark (that forces a
  // resync of the whole mempool): room for a full block's worth of announcements.
  const socket = new Subscriber({ receiveHighWaterMark: 100_000 });
  let closing = false;
  let loop: Promise<void> | undefined;

  const start = sharedPromise(() => {
    socket.connect(endpoint);
    socket.subscribe('sequence', 'hashblock');
    log.info({ endpoint }, 'listening for block and mempool notifications');
    loop = (async () => {
      try {
        for await (const [topic, body] of socket) {
          const name = topic?.toString() ?? '';
          if (isBlockNotification(name, body)) {
            onMempool?.({ kind: 'block' });
            onWake();
            continue;
          }
          const change = onMempool && parseMempoolChange(name, body);
          if (change) {
            onMempool(change);
            onWake();
          }
        }
      } catch (err) {
        if (!closing) log.warn({ err: (err as Error).message }, 'ZMQ receive loop ended; polling continues');
      }
    })();
    return Promise.resolve();
  });

  const close = sharedPromise(async () => {
    closing = true;
    socket.close();
    await loop;
  });

  return { start, close };
}
