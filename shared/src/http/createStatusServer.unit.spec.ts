import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../logging/logger.js';
import { createStatusServer, type StatusServer } from './createStatusServer.js';

const log = createLogger('status-server-test', 'silent');

describe('createStatusServer', () => {
  let server: StatusServer | undefined;
  afterEach(() => server?.close());

  async function serve(readStatus: () => unknown): Promise<string> {
    const registry = new Registry();
    registry.setDefaultLabels({ process: 'test' });
    server = createStatusServer({ host: '127.0.0.1', port: 0, registry, readStatus, log });
    const port = await server.start();
    return `http://127.0.0.1:${port}`;
  }

  it('serves the status as JSON and the metrics as Prometheus text', async () => {
    const base = await serve(() => Promise.resolve({ state: 'in-sync', tip: 7 }));
    const status = await fetch(`${base}/status?pretty`);
    expect(status.status).toBe(200);
    expect(status.headers.get('content-type')).toBe('application/json');
    expect(await status.json()).toEqual({ state: 'in-sync', tip: 7 });
    const metrics = await fetch(`${base}/metrics`);
    expect(metrics.status).toBe(200);
    expect(metrics.headers.get('content-type')).toMatch(/^text\/plain/);
  });

  it('answers every error as problem+json: unknown path, wrong method, unreadable status', async () => {
    const base = await serve(() => Promise.reject(new Error('views database unreachable')));
    const cases = [
      { res: await fetch(`${base}/nope`), status: 404, detail: /try \/status or \/metrics/ },
      { res: await fetch(`${base}/status`, { method: 'POST' }), status: 405, detail: /use GET/ },
      { res: await fetch(`${base}/status`), status: 503, detail: /views database unreachable/ },
    ];
    for (const { res, status, detail } of cases) {
      expect(res.status).toBe(status);
      expect(res.headers.get('content-type')).toBe('application/problem+json');
      const body = (await res.json()) as { status: number; title: string; detail: string };
      expect(body.status).toBe(status);
      expect(body.title).toBeTruthy();
      expect(body.detail).toMatch(detail);
    }
  });

  it('closes idempotently, also when never started', async () => {
    const never = createStatusServer({
      host: '127.0.0.1',
      port: 0,
      registry: new Registry(),
      readStatus: () => ({}),
      log,
    });
    await expect(Promise.all([never.close(), never.close()])).resolves.toBeDefined();
    const base = await serve(() => ({}));
    await server!.close();
    await server!.close();
    await expect(fetch(`${base}/status`)).rejects.toThrow();
  });
});
