import http from 'node:http';
import https from 'node:https';

export interface HttpAnswer {
  status: number;
  body: Buffer;
}

export interface HttpRequester {
  /** Sends one request; rejects on network errors and after `timeoutMs` without an answer. */
  request(
    method: 'GET' | 'POST',
    path: string,
    headers: http.OutgoingHttpHeaders,
    body?: string,
  ): Promise<HttpAnswer>;
  /** Closes the idle kept-alive connections. */
  close(): void;
}

// Below bitcoind's -rpcservertimeout (30 s), so we drop an idle connection before the
// node does: a request sent on a connection the node is closing would be reset.
const IDLE_SOCKET_MS = 15_000;

/**
 * HTTP/1.1 requests over kept-alive connections, with node:http rather than fetch:
 * undici's fetch spent ~4 ms of CPU per 190 kB block on web streams, three times the
 * whole cost of node:http; the crawler fetching blocks ahead was bound by it.
 */
export function createHttpRequester(base: URL, timeoutMs: number): HttpRequester {
  const secure = base.protocol === 'https:';
  const transport = secure ? https : http;
  const agent = new transport.Agent({ keepAlive: true, timeout: IDLE_SOCKET_MS });

  function once(
    method: string,
    path: string,
    headers: http.OutgoingHttpHeaders,
    body: string | undefined,
  ): Promise<HttpAnswer & { reusedSocket: boolean }> {
    return new Promise((resolve, reject) => {
      const req = transport.request(
        {
          protocol: base.protocol,
          hostname: base.hostname,
          port: base.port,
          path,
          method,
          agent,
          headers: body === undefined ? headers : { ...headers, 'content-length': Buffer.byteLength(body) },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('error', fail);
          res.on('end', () => {
            clearTimeout(timer);
            const buffer = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
            resolve({ status: res.statusCode ?? 0, body: buffer, reusedSocket: req.reusedSocket });
          });
        },
      );
      const timer = setTimeout(() => req.destroy(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      function fail(err: Error) {
        clearTimeout(timer);
        reject(Object.assign(err, { reusedSocket: req.reusedSocket }));
      }
      req.on('error', fail);
      req.end(body);
    });
  }

  return {
    async request(method, path, headers, body) {
      try {
        return await once(method, path, headers, body);
      } catch (err) {
        // The node closed a kept-alive connection just as we reused it: it never saw the
        // request, so sending it again on a fresh connection is safe (Node's documented
        // pattern for keep-alive races).
        const e = err as NodeJS.ErrnoException & { reusedSocket?: boolean };
        if (e.reusedSocket && (e.code === 'ECONNRESET' || e.code === 'EPIPE')) {
          return once(method, path, headers, body);
        }
        throw err;
      }
    },
    close: () => agent.destroy(),
  };
}
