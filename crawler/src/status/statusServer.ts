import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import { sharedPromise } from '#shared/lifecycle/sharedPromise.js';
import type { Logger } from '#shared/logging/logger.js';

/** A tiny HTTP server: `/metrics` (Prometheus text) and `/status` (JSON: our tip vs the node's). */
export function createStatusServer({
  host,
  port,
  registry,
  status,
  log,
}: {
  host: string;
  port: number;
  registry: Registry;
  status: () => object;
  log: Logger;
}) {
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET') {
      res.writeHead(405, { allow: 'GET' }).end();
    } else if (path === '/metrics') {
      registry.metrics().then(
        (text) => res.writeHead(200, { 'content-type': registry.contentType }).end(text),
        (err: unknown) => res.writeHead(500).end((err as Error).message),
      );
    } else if (path === '/status') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(status()));
    } else {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('try /status or /metrics\n');
    }
  });

  /** Resolves with the port listened on (useful with port 0). */
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
