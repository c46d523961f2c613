import type { FastifyInstance } from 'fastify';
import { ForklineError } from '#shared/errors/catalogue.js';
import { pingDatabase } from '../db/pingDatabase.js';
import type { RouteDeps } from './routeDeps.js';

// Probes and metrics are for the platform: unauthenticated and never rate limited.
const probe = { config: { rateLimit: false } } as const;

export function registerHealthRoutes(app: FastifyInstance, deps: RouteDeps): void {
  app.get('/healthz', probe, () => ({ status: 'ok' }));

  app.get('/readyz', probe, async () => {
    const [online, views] = await Promise.allSettled([pingDatabase(deps.online), pingDatabase(deps.views)]);
    const down = [online.status === 'rejected' && 'online', views.status === 'rejected' && 'views'].filter(
      Boolean,
    );
    if (down.length > 0) {
      throw new ForklineError(
        'DEPENDENCY_UNAVAILABLE',
        `not ready: the ${down.join(' and the ')} database${down.length > 1 ? 's are' : ' is'} unreachable`,
      );
    }
    return { status: 'ready', online: 'ok', views: 'ok' };
  });

  app.get('/metrics', probe, async (_request, reply) => {
    const text = await deps.metrics.metrics();
    return reply.type(deps.metrics.contentType).send(text);
  });
}
