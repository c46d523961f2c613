import { errorCodes, type ErrorCode } from '#shared/errors/catalogue.js';
import type { Access } from '../auth/principal.js';

/**
 * What any /v1 route may answer before or beside its own work: its access hook (401, and
 * 403 unless any signed-in caller may use it), the rate limit, the refused
 * Content-Encoding (checked for every request, GETs included), and the unexpected.
 */
const EVERY_ROUTE: readonly ErrorCode[] = [
  'UNAUTHORIZED',
  'RATE_LIMITED',
  'UNSUPPORTED_MEDIA_TYPE',
  'INTERNAL',
];

/** Headers sendProblem and the rate limit set with these codes. */
const HEADERS: Partial<Record<ErrorCode, Record<string, { type: string; description: string }>>> = {
  UNAUTHORIZED: { 'WWW-Authenticate': { type: 'string', description: 'Bearer realm="forkline"' } },
  RATE_LIMITED: { 'Retry-After': { type: 'integer', description: 'seconds until the window ends' } },
  DEPENDENCY_UNAVAILABLE: { 'Retry-After': { type: 'integer', description: 'seconds (5)' } },
  TOO_MANY_SUBSCRIBERS: { 'Retry-After': { type: 'integer', description: 'seconds (5)' } },
};

/**
 * A route's error answers for its schema.response, one per status, each the shared
 * Problem schema as application/problem+json (so Fastify serializes the problem with
 * it, and the OpenAPI document lists the codes). `codes` are the route's own.
 */
export function problemResponses(access: Access, codes: readonly ErrorCode[]) {
  const all = new Set<ErrorCode>([
    ...EVERY_ROUTE,
    ...(access === 'signedIn' ? [] : ['FORBIDDEN' as const]),
    ...codes,
  ]);
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of all) {
    const { status } = errorCodes[code];
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  return Object.fromEntries(
    [...byStatus].map(([status, statusCodes]) => {
      const headers = Object.assign({}, ...statusCodes.map((code) => HEADERS[code] ?? {})) as object;
      return [
        status,
        {
          description: `Problem: ${statusCodes.join(', ')}`,
          ...(Object.keys(headers).length > 0 ? { headers } : {}),
          content: { 'application/problem+json': { schema: { $ref: 'Problem#' } } },
        },
      ];
    }),
  );
}
