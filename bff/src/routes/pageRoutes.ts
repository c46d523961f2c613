import { access } from 'node:fs/promises';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { ForklineError } from '#shared/errors/catalogue.js';

/**
 * What every page answer carries: scripts, styles, images and requests from this origin
 * only, no inline script or style, never framed, no referrer (a token never travels in a
 * URL, but the page's own path need not leak either).
 */
export const PAGE_SECURITY_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; " +
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
});

// Public files: no token to check, so neither counted against an address's budget of
// requests without a valid token nor against a principal's; HTML, not API: left out of
// /openapi.json.
const publicRoute = { config: { rateLimit: false }, schema: { hide: true } } as const;

/**
 * The wallet home page at `/`, the operator page at `/ops` and their assets, from
 * `webDir` as `make web` builds it (index.html, ops.html, assets/ with hashed names). The
 * directory is looked at per request, so a BFF started before the build serves the page
 * once it exists, and says how to build it until then.
 */
export async function registerPageRoutes(app: FastifyInstance, webDir: string): Promise<void> {
  // serve: false — the routes are declared here, with the config the rate limiter reads.
  await app.register(fastifyStatic, { serve: false });
  const assets = join(webDir, 'assets');

  const sendPage = async (reply: FastifyReply, file: string) => {
    try {
      await access(join(webDir, file));
    } catch {
      throw new ForklineError(
        'PAGE_NOT_BUILT',
        `the page is not built (${file} is missing in ${webDir}): run \`make web\``,
      );
    }
    // The HTML names the current hashed assets: always asked for again.
    return reply
      .headers({ ...PAGE_SECURITY_HEADERS, 'cache-control': 'no-cache' })
      .sendFile(file, webDir, { cacheControl: false });
  };

  app.get('/', publicRoute, (_request, reply) => sendPage(reply, 'index.html'));
  app.get('/ops', publicRoute, (_request, reply) => sendPage(reply, 'ops.html'));
  app.get('/assets/*', publicRoute, (request, reply) =>
    // Hashed names: a file's content never changes under its name. sendFile refuses paths
    // that climb out of the directory.
    reply
      .headers(PAGE_SECURITY_HEADERS)
      .sendFile((request.params as { '*': string })['*'], assets, { maxAge: '365d', immutable: true }),
  );
}
