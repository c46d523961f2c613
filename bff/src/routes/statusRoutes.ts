import type { FastifyInstance } from 'fastify';
import { readStatus } from '../status/readStatus.js';
import type { RouteDeps } from './routeDeps.js';

/** GET /v1/status (admin): every component's tip, backlog and lag; a component down shows as unavailable. */
export function registerStatusRoutes(app: FastifyInstance, deps: RouteDeps): void {
  app.get('/v1/status', { onRequest: deps.access('admin') }, () =>
    readStatus(deps.statusSources, deps.statusTimeoutMs),
  );
}
