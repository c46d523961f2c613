import { Subscriber } from 'zeromq';
import type { Logger } from '#shared/logging/logger.js';
import { sharedPromise } from '#shared/lifecycle/sharedPromise.js';

// sequence bodies: 32-byte hash, one label byte, then (mempool only) an 8-byte number.
const CONNECTED = 'C'.charCodeAt(0);
const DISCONNECTED = 'D'.charCodeAt(0);

/** True for ZMQ messages that announce a block change (not mempool traffic). */
export function isBlockNotification(topic: string, body: Uint8Array | undefined): boolean {
  if (topic === 'hashblock') return true;
  if (topic !== 'sequence' || !body || body.length < 33) return false;
  return body[32] === CONNECTED || body[32] === DISCONNECTED;
}

/**
 * Wakes the sync on ZMQ `hashblock` and on `sequence` block connects/disconnects. ZMQ is
 * lossy (high-water marks, reconnects, node restarts): a message only means "look now";
 * the poll timer stays the safety net. Only `sequence` announces a tip going down.
 */
export function createZmqWakeups({
  endpoint,
  onWake,
  log,
}: {
  endpoint: string;
  onWake: () => void;
  log: Logger;
}) {
  const socket = new Subscriber({ receiveHighWaterMark: 1000 });
  let closing = false;
  let loop: Promise<void> | undefined;

  const start = sharedPromise(() => {
    socket.connect(endpoint);
    socket.subscribe('sequence', 'hashblock');
    log.info({ endpoint }, 'listening for block notifications');
    loop = (async () => {
      try {
        for await (const [topic, body] of socket) {
          if (isBlockNotification(topic?.toString() ?? '', body)) onWake();
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
