import type { ServerResponse } from 'node:http';

export interface SseEvent {
  event?: string;
  id?: string;
  data?: string;
  /** A comment line (`: …`): a heartbeat clients ignore. */
  comment?: string;
}

export interface SseStream {
  /** Writes an event; false (nothing written) while the client has not read what it has. */
  send(event: SseEvent): boolean;
  /** Since when (ms) the client has left written bytes unread; undefined when it keeps up. */
  backedUpSince(): number | undefined;
  /** When anything was last written (performance.now(), ms): a heartbeat is due only on a silent stream. */
  lastSentAt(): number;
  onDrain(listener: () => void): void;
  onClose(listener: () => void): void;
  close(): void;
}

/**
 * A Server-Sent Events response on a raw Node response. It never queues: once a write
 * is left in the socket's buffer (the client is not reading), further events are refused
 * until 'drain', so a slow client costs at most one event of memory and the caller keeps
 * only what changed meanwhile.
 */
export function createSseStream(res: ServerResponse): SseStream {
  let since: number | undefined;
  let lastSent = performance.now();
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-store',
    connection: 'keep-alive',
    // Proxies (nginx) must pass events on at once.
    'x-accel-buffering': 'no',
  });
  res.on('drain', () => (since = undefined));
  return {
    send(event) {
      if (since !== undefined || res.writableEnded || res.destroyed) return false;
      lastSent = performance.now();
      if (!res.write(format(event))) since = Date.now();
      return true;
    },
    backedUpSince: () => since,
    lastSentAt: () => lastSent,
    onDrain: (listener) => void res.on('drain', listener),
    onClose: (listener) => void res.on('close', listener),
    close: () => void res.destroy(),
  };
}

function format({ event, id, data, comment }: SseEvent): string {
  let text = '';
  if (comment !== undefined) text += `: ${comment}\n`;
  if (event !== undefined) text += `event: ${event}\n`;
  if (id !== undefined) text += `id: ${id}\n`;
  // Data is JSON (no newlines): one data line.
  if (data !== undefined) text += `data: ${data}\n`;
  return `${text}\n`;
}
