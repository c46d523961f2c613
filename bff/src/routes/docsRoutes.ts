import fastifySwaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';

/**
 * The docs page's policy: everything from this origin (swagger-ui's assets come from the
 * npm package), no inline scripts, and no validator or CDN call-outs. swagger-ui's own
 * default allows any https: style or font and the public validator.
 */
const DOCS_CSP = [
  "default-src 'self'",
  "base-uri 'self'",
  "connect-src 'self'",
  "font-src 'self' data:",
  "form-action 'self'",
  "frame-ancestors 'self'",
  "img-src 'self' data:",
  "object-src 'none'",
  "script-src 'self'",
  "script-src-attr 'none'",
  "style-src 'self'",
].join('; ');

/**
 * GET /openapi.json (the document built from the route schemas) and GET /docs (swagger-ui
 * over it). They describe the API and reveal no data, so they need no token; and, as the
 * probes, they are not rate limited: a docs page loads some ten assets, which would
 * otherwise spend the requests-without-a-token budget of the reader's address.
 */
export async function registerDocsRoutes(app: FastifyInstance): Promise<void> {
  await app.register(async (docs) => {
    // Set on every route of this context, swagger-ui's and its static assets' included.
    docs.addHook('onRoute', (route) => {
      route.config = { ...route.config, rateLimit: false } as typeof route.config;
    });
    docs.get('/openapi.json', { schema: { hide: true } }, () => app.swagger());
    await docs.register(fastifySwaggerUi, {
      routePrefix: '/docs',
      staticCSP: DOCS_CSP,
      // No call to the public validator; the test suite validates the document.
      validatorUrl: false,
      uiConfig: { deepLinking: true },
      theme: { title: 'forkline BFF API' },
    });
  });
}
