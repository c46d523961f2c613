import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import { sharedPromise } from '../lifecycle/sharedPromise.js';
import type { Logger } from '../logging/logger.js';

export interface StatusServer {
  /** Listens; resolves with the bound port (useful with port 0). */
  start(): Promise<number>;
  close(): Promise<void>;
}

export interface StatusServerOptions {
  host: string;
  /** 0 picks a free port. */
  port: number;
  registry: Registry;
  /** The process's own status, served as JSON at /status. */
  readStatus: () => unknown;
  log: Logger;
}

/**
 * Every process's operator endpoint: GET /metrics (Prometheus text) and GET /status
 * (JSON) on a plain node:http server. Anything else, and a status that cannot be read,
 * is answered as an RFC 9457 application/problem+json document.
 */
export function createStatusServer({
  host,
  port,
  registry,
  readStatus,
  log,
}: StatusServerOptions): StatusServer {
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const answer = async () => {
      if (req.method !== 'GET') {
        res.setHeader('allow', 'GET');
        return sendProblem(res, 405, 'Method Not Allowed', `${req.method} is not served here; use GET`);
      }
      if (path === '/metrics') return send(res, 200, registry.contentType, await registry.metrics());
      if (path === '/status')
        return send(res, 200, 'application/json', `${JSON.stringify(await readStatus())}\n`);
      return sendProblem(res, 404, 'Not Found', `there is no ${path.slice(0, 100)}: try /status or /metrics`);
    };
    answer().catch((err: unknown) => {
      const message = err instanceof Error ? err.message : String(err);
      log.warn({ err: message, path }, 'status request failed');
      if (!res.headersSent) sendProblem(res, 503, 'Service Unavailable', message);
    });
  });

  const start = sharedPromise(
    () =>
      new Promise<number>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          const bound = (server.address() as AddressInfo).port;
          log.info({ host, port: bound }, 'status and metrics listening');
          resolve(bound);
        });
      }),
  );

  const close = sharedPromise(
    () =>
      new Promise<void>((resolve) => {
        if (!server.listening) return resolve();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  );

  return { start, close };
}

function send(res: ServerResponse, status: number, contentType: string, body: string): void {
  res.writeHead(status, { 'content-type': contentType }).end(body);
}

function sendProblem(res: ServerResponse, status: number, title: string, detail: string): void {
  const body = { type: 'about:blank', title, status, detail };
  send(res, status, 'application/problem+json', `${JSON.stringify(body)}\n`);
}
