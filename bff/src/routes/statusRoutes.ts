import type { FastifyInstance } from 'fastify';
import { accessSecurity } from '../auth/accessSecurity.js';
import { problemResponses } from '../http/problemResponses.js';
import { readStatus } from '../status/readStatus.js';
import { statusSchema } from '../status/statusSchema.js';
import type { RouteDeps } from './routeDeps.js';

/** GET /v1/status (admin): every component's tip, backlog and lag; a component down shows as unavailable. */
export function registerStatusRoutes(app: FastifyInstance, deps: RouteDeps): void {
  app.get(
    '/v1/status',
    {
      onRequest: deps.access('admin'),
      schema: {
        summary: "Every component's tip, backlog and lag",
        security: accessSecurity('admin'),
        // A component that fails answers as unavailable inside a 200, never as an error.
        response: { 200: statusSchema, ...problemResponses('admin', []) },
      },
    },
    () => readStatus(deps.statusSources, deps.statusTimeoutMs),
  );
}
