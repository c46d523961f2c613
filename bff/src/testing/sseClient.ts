/** One Server-Sent Event as a test reads it. */
export interface ReadEvent {
  event: string;
  id: string | undefined;
  data: string;
}

export interface SseClient {
  status: number;
  headers: Headers;
  /** The next event (comments skipped), or rejects after `timeoutMs`. */
  next(timeoutMs?: number): Promise<ReadEvent>;
  close(): void;
}

/**
 * Opens an SSE stream with fetch (headers included, as a page does) and hands out its
 * events one by one; a refused request is read as a body instead (`status`, `body()`).
 */
export async function openSse(
  url: string,
  headers: Record<string, string>,
): Promise<SseClient & { body(): Promise<string> }> {
  const abort = new AbortController();
  const res = await fetch(url, { headers, signal: abort.signal });
  const queue: ReadEvent[] = [];
  const waiters: ((e: ReadEvent) => void)[] = [];
  let buffer = '';
  const reader = res.ok ? res.body!.pipeThrough(new TextDecoderStream()).getReader() : undefined;
  void (async () => {
    if (!reader) return;
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        buffer += value;
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const e: ReadEvent = { event: 'message', id: undefined, data: '' };
          let any = false;
          for (const line of block.split('\n')) {
            if (line.startsWith(':')) continue;
            const [field, ...rest] = line.split(': ');
            const value = rest.join(': ');
            any = true;
            if (field === 'event') e.event = value;
            else if (field === 'id') e.id = value;
            else if (field === 'data') e.data += value;
          }
          if (!any) continue;
          const waiter = waiters.shift();
          if (waiter) waiter(e);
          else queue.push(e);
        }
      }
    } catch {
      // aborted
    }
  })();
  return {
    status: res.status,
    headers: res.headers,
    body: () => res.text(),
    next: (timeoutMs = 5_000) =>
      new Promise<ReadEvent>((resolve, reject) => {
        const ready = queue.shift();
        if (ready) return resolve(ready);
        const timer = setTimeout(() => reject(new Error(`no event within ${timeoutMs} ms`)), timeoutMs);
        waiters.push((e) => {
          clearTimeout(timer);
          resolve(e);
        });
      }),
    close: () => abort.abort(),
  };
}
