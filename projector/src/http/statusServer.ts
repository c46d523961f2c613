import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import { sharedPromise } from '#shared/lifecycle/sharedPromise.js';
import type { Logger } from '#shared/logging/logger.js';

export interface StatusServer {
  start(): Promise<void>;
  close(): Promise<void>;
  /** The bound port (useful when started on port 0). */
  port(): number;
}

/** `/metrics` (Prometheus text) and `/status` (JSON) on a tiny node:http server. */
export function createStatusServer({
  port,
  host = '127.0.0.1',
  registry,
  readStatus,
  log,
}: {
  port: number;
  host?: string;
  registry: Registry;
  readStatus: () => Promise<unknown>;
  log: Logger;
}): StatusServer {
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const answer = async () => {
      if (req.method !== 'GET') return send(405, 'text/plain', 'method not allowed\n');
      if (path === '/metrics') return send(200, registry.contentType, await registry.metrics());
      if (path === '/status') return send(200, 'application/json', `${JSON.stringify(await readStatus())}\n`);
      return send(404, 'text/plain', 'not found: try /status or /metrics\n');
    };
    const send = (status: number, type: string, body: string) => {
      res.writeHead(status, { 'content-type': type });
      res.end(body);
    };
    answer().catch((err: unknown) => {
      log.warn({ err: (err as Error).message, path }, 'status request failed');
      if (!res.headersSent)
        send(503, 'application/json', `${JSON.stringify({ error: (err as Error).message })}\n`);
    });
  });

  return {
    start: sharedPromise(
      () =>
        new Promise<void>((resolve, reject) => {
          server.once('error', reject);
          server.listen(port, host, () => {
            log.info({ port: (server.address() as AddressInfo).port }, 'status server listening');
            resolve();
          });
        }),
    ),
    close: sharedPromise(
      () =>
        new Promise<void>((resolve) => {
          if (!server.listening) return resolve();
          server.close(() => resolve());
          server.closeAllConnections();
        }),
    ),
    port: () => (server.address() as AddressInfo | null)?.port ?? port,
  };
}
