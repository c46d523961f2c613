import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import type { Logger } from '#shared/logging/logger.js';
import type { RelayStatus } from '../createRelay.js';

export interface StatusServer {
  /** Listens; resolves with the bound port (useful with port 0). */
  start(): Promise<number>;
  close(): Promise<void>;
}

/** GET /metrics (Prometheus text) and GET /status (JSON) on a plain node:http server. */
export function createStatusServer(options: {
  port: number;
  host: string;
  registry: Registry;
  status: () => Promise<RelayStatus>;
  log: Logger;
}): StatusServer {
  const { registry, status, log } = options;
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const respond = async () => {
      if (req.method !== 'GET') {
        res.writeHead(405, { allow: 'GET' }).end();
      } else if (path === '/metrics') {
        const body = await registry.metrics();
        res.writeHead(200, { 'content-type': registry.contentType }).end(body);
      } else if (path === '/status') {
        const body = await status();
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      } else {
        res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not found"}');
      }
    };
    respond().catch((err: unknown) => {
      log.warn({ err, path }, 'status request failed');
      if (!res.headersSent) res.writeHead(500).end();
    });
  });
  let started: Promise<number> | undefined;
  return {
    start() {
      started ??= new Promise<number>((resolve, reject) => {
        server.once('error', reject);
        server.listen(options.port, options.host, () => resolve((server.address() as AddressInfo).port));
      });
      return started;
    },
    async close() {
      if (!started || !server.listening) return;
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
