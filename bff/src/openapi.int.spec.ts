import { Validator } from '@seriousme/openapi-schema-validator';
import type { RouteOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, json, type TestApp } from './testing/testApp.js';

interface Operation {
  parameters?: { in: string; name: string }[];
  security?: Record<string, string[]>[];
  responses: Record<string, { content?: Record<string, { schema?: Record<string, unknown> }> }>;
}
interface Document {
  openapi: string;
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, { required?: string[] }>; securitySchemes: Record<string, unknown> };
}

const PROBLEM_REF = '#/components/schemas/Problem';
const OPERATION_METHODS = new Set(['get', 'put', 'post', 'delete', 'patch', 'options', 'head', 'trace']);

/** `/v1/users/:userId` as OpenAPI writes it: `/v1/users/{userId}`. */
const openApiPath = (url: string) => url.replace(/:([A-Za-z0-9_]+)/g, '{$1}');

describe('GET /openapi.json and /docs', () => {
  let t: TestApp;
  let doc: Document;
  // Every route the app registers; HEAD routes are Fastify's automatic twins of the GETs.
  const routes: { method: string; url: string }[] = [];
  const onRoute = (route: RouteOptions) => {
    for (const method of [route.method].flat()) {
      if (method !== 'HEAD') routes.push({ method: method.toLowerCase(), url: route.url });
    }
  };
  const v1Routes = () => routes.filter((r) => r.url.startsWith('/v1/'));

  beforeAll(async () => {
    // A tiny budget of requests without a token: the docs must not spend it.
    t = await createTestApp('bff-openapi', { onRoute, settings: { authFailureLimitPerMinute: 3 } });
    const res = await t.app.inject({ url: '/openapi.json' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    doc = json<Document>(res);
  });
  afterAll(() => t.close());

  it('is a valid OpenAPI 3.1 document whose references all resolve', async () => {
    const validator = new Validator();
    const result = await validator.validate(structuredClone(doc) as unknown as Record<string, unknown>);
    expect(result.errors).toBeUndefined();
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
    expect(doc.openapi).toMatch(/^3\.1\./);
    expect(() => validator.resolveRefs()).not.toThrow();
    // The validator does look: the same document with a response lacking its description fails.
    const broken = structuredClone(doc);
    delete (broken.paths['/v1/price']!.get!.responses['200'] as { description?: string }).description;
    const refused = await new Validator().validate(broken as unknown as Record<string, unknown>);
    expect(refused.valid).toBe(false);
  });

  it('documents exactly the /v1 routes Fastify registered', () => {
    expect(v1Routes().length).toBeGreaterThanOrEqual(10);
    const registered = v1Routes().map((r) => `${r.method} ${openApiPath(r.url)}`);
    const documented = Object.entries(doc.paths)
      .filter(([path]) => path.startsWith('/v1/'))
      .flatMap(([path, item]) =>
        Object.keys(item)
          .filter((key) => OPERATION_METHODS.has(key))
          .map((method) => `${method} ${path}`),
      );
    expect(documented.sort()).toEqual(registered.sort());
  });

  it('gives every /v1 route its parameters, bearer security, success body and problem answers', () => {
    expect(Object.keys(doc.components.securitySchemes).sort()).toEqual(['adminToken', 'userToken']);
    expect(doc.components.schemas.Problem?.required).toEqual(['type', 'title', 'status', 'detail', 'code']);
    for (const { method, url } of v1Routes()) {
      const what = `${method.toUpperCase()} ${url}`;
      const op = doc.paths[openApiPath(url)]?.[method];
      expect(op, what).toBeDefined();
      const pathParams = [...url.matchAll(/:([A-Za-z0-9_]+)/g)].map((m) => m[1]);
      expect(op!.parameters?.filter((p) => p.in === 'path').map((p) => p.name) ?? [], what).toEqual(
        expect.arrayContaining(pathParams),
      );
      expect(op!.security?.length, what).toBeGreaterThan(0);
      for (const requirement of op!.security!) {
        for (const scheme of Object.keys(requirement))
          expect(doc.components.securitySchemes).toHaveProperty(scheme);
      }

      const statuses = Object.keys(op!.responses);
      const success = statuses.filter((s) => /^2/.test(s));
      expect(success.length, what).toBeGreaterThan(0);
      for (const s of success) {
        // JSON, except the live updates' event stream.
        const content = op!.responses[s]!.content;
        expect(
          content?.['application/json']?.schema ?? content?.['text/event-stream']?.schema,
          `${what} ${s}`,
        ).toBeDefined();
      }
      const errors = statuses.filter((s) => /^[45]/.test(s));
      expect(errors.filter((s) => s.startsWith('4')).length, what).toBeGreaterThan(0);
      // Every route needs a token: the 401 is always among them.
      expect(errors, what).toContain('401');
      for (const s of errors) {
        expect(op!.responses[s]!.content, `${what} ${s}`).toEqual({
          'application/problem+json': { schema: { $ref: PROBLEM_REF } },
        });
      }
    }
  });

  it('serves /docs from its own origin: HTML, its assets and the document, with a CSP and no token', async () => {
    const page = await t.app.inject({ url: '/docs' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.body).not.toMatch(/https?:\/\//);
    expect(page.body).not.toMatch(/(?:src|href)\s*=\s*["']?\/\//); // protocol-relative
    const csp = String(page.headers['content-security-policy']);
    expect(csp).toMatch(/default-src 'self'/);
    expect(csp).not.toMatch(/https?:|\*/);

    const assets = [...page.body.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
    expect(assets).toEqual(expect.arrayContaining(['/docs/static/swagger-ui-bundle.js']));
    for (const asset of assets) {
      const res = await t.app.inject({ url: asset });
      expect(res.statusCode, asset).toBe(200);
    }
    // What the page's script loads: its configuration, then the document.
    const init = await t.app.inject({ url: '/docs/static/swagger-initializer.js' });
    expect(init.body).toMatch(/validatorUrl: null/);
    const fromUi = await t.app.inject({ url: '/docs/json' });
    expect(json(fromUi)).toEqual(doc);
  });

  it('spends no budget of requests without a token, and an unknown docs asset is a problem 404', async () => {
    for (let i = 0; i < 10; i++) {
      expect((await t.app.inject({ url: '/openapi.json' })).statusCode).toBe(200);
      expect((await t.app.inject({ url: '/docs/static/index.css' })).statusCode).toBe(200);
    }
    const missing = await t.app.inject({ url: '/docs/static/nothing.js' });
    expect(missing.statusCode).toBe(404);
    expect(missing.headers['content-type']).toMatch(/^application\/problem\+json/);
    // The budget of 3 is untouched: an API request without a token is still told 401, not 429.
    const api = await t.app.inject({ url: '/v1/price' });
    expect(api.statusCode).toBe(401);
  });
});
