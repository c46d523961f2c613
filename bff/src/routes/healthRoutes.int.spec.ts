import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, json, type TestApp } from '../testing/testApp.js';

describe('probes and metrics (inject)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp('bff-health');
    // A refused balance read, so the metrics have a route and a problem code to show.
    await t.app.inject({ url: '/v1/users/nobody/balance?foo=1', headers: t.admin });
  });
  afterAll(() => t.close());

  it('GET /healthz and /readyz answer without a token', async () => {
    expect(json(await t.app.inject({ url: '/healthz' }))).toEqual({ status: 'ok' });
    const ready = await t.app.inject({ url: '/readyz' });
    expect(ready.statusCode).toBe(200);
    expect(json(ready)).toEqual({ status: 'ready', online: 'ok', views: 'ok' });
  });

  it('GET /metrics is Prometheus text with the request histogram', async () => {
    const res = await t.app.inject({ url: '/metrics' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    expect(res.body).toMatch(
      /forkline_bff_http_request_duration_seconds_bucket\{.*route="\/v1\/users\/:userId\/balance"/,
    );
    expect(res.body).toMatch(/forkline_bff_problems_total\{code="INVALID_REQUEST"[,}]/);
  });
});
