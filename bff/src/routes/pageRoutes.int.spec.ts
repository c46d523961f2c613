import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectProblem } from '../testing/expectProblem.js';
import { createTestApp, type TestApp } from '../testing/testApp.js';

describe('the pages at / and /ops (inject)', () => {
  let built: TestApp;
  let unbuilt: TestApp;
  let webDir: string;

  beforeAll(async () => {
    webDir = await mkdtemp(join(tmpdir(), 'forkline-web-'));
    await mkdir(join(webDir, 'assets'));
    await writeFile(join(webDir, 'index.html'), '<!doctype html><title>home</title>');
    await writeFile(join(webDir, 'ops.html'), '<!doctype html><title>ops</title>');
    await writeFile(join(webDir, 'assets', 'home-ABC123.js'), 'console.log(1)');
    await writeFile(join(webDir, 'secret.txt'), 'not an asset');
    // A small budget of requests without a valid token: the pages must not spend it.
    built = await createTestApp('bff-pages', { settings: { webDir, authFailureLimitPerMinute: 3 } });
    unbuilt = await createTestApp('bff-pages-unbuilt', {
      dbs: built.dbs,
      settings: { webDir: join(webDir, 'missing') },
    });
  });
  afterAll(async () => {
    await unbuilt?.close();
    await built?.close();
    await rm(webDir, { recursive: true, force: true });
  });

  it('serves the home page and the operator page with a strict Content-Security-Policy', async () => {
    for (const [url, title] of [
      ['/', 'home'],
      ['/ops', 'ops'],
    ] as const) {
      const res = await built.app.inject({ url });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/html/);
      expect(res.body).toContain(`<title>${title}</title>`);
      expect(res.headers['content-security-policy']).toMatch(/default-src 'none'; script-src 'self';/);
      expect(res.headers['content-security-policy']).not.toMatch(/unsafe-inline|unsafe-eval/);
      expect(res.headers['cache-control']).toBe('no-cache');
      expect(res.headers['x-frame-options']).toBe('DENY');
    }
  });

  it('serves assets for a year and nothing outside assets/', async () => {
    const asset = await built.app.inject({ url: '/assets/home-ABC123.js' });
    expect(asset.statusCode).toBe(200);
    expect(asset.headers['content-type']).toMatch(/javascript/);
    expect(asset.headers['cache-control']).toMatch(/max-age=31536000.*immutable/);
    expect(asset.headers['content-security-policy']).toBeDefined();
    expectProblem(await built.app.inject({ url: '/assets/nope.js' }), 404, 'NOT_FOUND');
    const climbing = await built.app.inject({ url: '/assets/%2e%2e/secret.txt' });
    expect(climbing.statusCode).toBeGreaterThanOrEqual(400);
    expect(climbing.body).not.toContain('not an asset');
  });

  it('pages and assets need no token and spend no budget of requests without one', async () => {
    for (let i = 0; i < 10; i++) expect((await built.app.inject({ url: '/' })).statusCode).toBe(200);
    expectProblem(await built.app.inject({ url: '/v1/price' }), 401, 'UNAUTHORIZED');
  });

  it('a directory not built yet answers 503 naming `make web`', async () => {
    for (const url of ['/', '/ops']) {
      const problem = expectProblem(await unbuilt.app.inject({ url }), 503, 'PAGE_NOT_BUILT');
      expect(problem.detail).toContain('make web');
    }
  });
});
