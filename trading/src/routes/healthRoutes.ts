import type { FastifyInstance } from 'fastify';
import { ForklineError } from '#shared/errors/catalogue.js';
import { pingDatabase } from '../db/pingDatabase.js';
import type { RouteDeps } from './routeDeps.js';

/** Probes, status and metrics: for the platform, without the admin token. */
export function registerHealthRoutes(app: FastifyInstance, deps: RouteDeps): void {
  app.get('/healthz', () => ({ status: 'ok' }));

  app.get('/readyz', async () => {
    try {
      await pingDatabase(deps.db);
    } catch (err) {
      throw new ForklineError('DEPENDENCY_UNAVAILABLE', 'not ready: the trading database is unreachable', {
        cause: err,
      });
    }
    return { status: 'ready', trading: 'ok' };
  });

  app.get('/status', () => deps.readStatus());

  app.get('/metrics', async (_request, reply) =>
    reply.type(deps.registry.contentType).send(await deps.registry.metrics()),
  );
}
