import { createParser } from 'eventsource-parser';
import { ApiError } from '../api/apiError.js';
import type { ChangeEvent, Tip } from '../api/types.js';

export type LiveState =
  { kind: 'connecting' } | { kind: 'live' } | { kind: 'retrying'; inMs: number; why: string };

export interface LiveHandlers {
  onChange(change: ChangeEvent): void;
  /** The server no longer holds the events since our last id: read everything again. */
  onReset(): void;
  /** The projection's chain tip moved (confirmations grow without a change of the user). */
  onTip(tip: Tip): void;
  onState(state: LiveState): void;
  /** 401: the token expired or was refused while the page was open. */
  onUnauthorized(error: ApiError): void;
}

export interface LiveOptions {
  /** No byte (a heartbeat comes every ~15 s) for this long: the connection is dead. */
  silenceMs?: number;
  firstRetryMs?: number;
  maxRetryMs?: number;
}

/**
 * Follows GET /v1/users/:userId/events (Server-Sent Events) with fetch and a streaming
 * reader, because EventSource cannot send the Authorization header. Reconnects with
 * exponential backoff and jitter, resuming from the last event id (Last-Event-ID); a 503
 * (too many subscribers) waits at least its Retry-After.
 */
export function followLiveUpdates(
  url: string,
  token: string,
  handlers: LiveHandlers,
  options: LiveOptions = {},
): { close(): void } {
  const silenceMs = options.silenceMs ?? 45_000;
  const firstRetryMs = options.firstRetryMs ?? 1_000;
  const maxRetryMs = options.maxRetryMs ?? 30_000;
  let closed = false;
  let lastEventId: string | undefined;
  let failures = 0;
  let connection: AbortController | undefined;
  let wake: (() => void) | undefined;

  const backoff = (atLeastMs = 0) => {
    const ceiling = Math.min(maxRetryMs, firstRetryMs * 2 ** Math.min(failures, 10));
    failures++;
    return Math.max(atLeastMs, Math.round(ceiling * (0.5 + Math.random() / 2)));
  };

  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });

  /** Reads one connection until it ends; resolves when it does, rejects on a broken one. */
  async function readEvents(body: ReadableStream<Uint8Array>, abort: AbortController): Promise<void> {
    const parser = createParser({
      onEvent(message) {
        if (message.id !== undefined) lastEventId = message.id;
        if (message.event === 'change') {
          failures = 0;
          handlers.onState({ kind: 'live' });
          handlers.onChange(JSON.parse(message.data) as ChangeEvent);
        } else if (message.event === 'reset') {
          handlers.onReset();
        } else if (message.event === 'tip') {
          handlers.onTip(JSON.parse(message.data) as Tip);
        }
      },
    });
    let silence = setTimeout(() => abort.abort(), silenceMs);
    const reader = body.getReader();
    const decoder = new TextDecoder();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        clearTimeout(silence);
        silence = setTimeout(() => abort.abort(), silenceMs);
        parser.feed(decoder.decode(value, { stream: true }));
      }
    } finally {
      clearTimeout(silence);
      reader.releaseLock();
    }
  }

  async function run(): Promise<void> {
    while (!closed) {
      handlers.onState({ kind: 'connecting' });
      const abort = new AbortController();
      connection = abort;
      let waitMs: number;
      let why: string;
      try {
        const headers: Record<string, string> = {
          authorization: `Bearer ${token}`,
          accept: 'text/event-stream',
        };
        if (lastEventId !== undefined) headers['last-event-id'] = lastEventId;
        const response = await fetch(url, { headers, signal: abort.signal, cache: 'no-store' });
        if (response.status === 401) {
          handlers.onUnauthorized(await ApiError.from(response));
          return;
        }
        if (!response.ok || !response.body) {
          const error = await ApiError.from(response);
          const retryAfterS = Number(response.headers.get('retry-after'));
          waitMs = backoff(Number.isFinite(retryAfterS) ? retryAfterS * 1000 : 0);
          why = response.status === 503 ? 'the server is busy' : error.detail;
        } else {
          await readEvents(response.body, abort);
          waitMs = backoff();
          why = 'the connection closed';
        }
      } catch {
        if (closed) return;
        waitMs = backoff();
        why = abort.signal.aborted ? 'the connection went silent' : 'the connection broke';
      }
      if (closed) return;
      handlers.onState({ kind: 'retrying', inMs: waitMs, why });
      await pause(waitMs);
    }
  }

  void run();
  return {
    close() {
      closed = true;
      connection?.abort();
      wake?.();
    },
  };
}
