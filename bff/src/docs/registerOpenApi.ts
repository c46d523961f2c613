import fastifySwagger from '@fastify/swagger';
import type { FastifyInstance } from 'fastify';
import { securitySchemes } from '../auth/accessSecurity.js';
import { problemSchema } from '../http/schemas.js';

/**
 * Collects every route's schema into an OpenAPI 3.1 document (`app.swagger()`). Registered
 * before the routes: @fastify/swagger sees them as they are added. The problem schema is
 * added here once, so routes reference it as `Problem#` and the document holds it once, as
 * components.schemas.Problem.
 */
export async function registerOpenApi(app: FastifyInstance): Promise<void> {
  app.addSchema(problemSchema);
  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'forkline BFF',
        version: '1',
        description:
          "Balances, activities and orders of a custodial wallet's users, correct through chain reorganisations. Every error is application/problem+json (RFC 9457).",
      },
      components: { securitySchemes },
    },
    // Components named after their $id, not def-0, def-1, …
    refResolver: {
      buildLocalReference: (json, _baseUri, _fragment, i) =>
        typeof json.$id === 'string' ? json.$id : `def-${i}`,
    },
  });
}
