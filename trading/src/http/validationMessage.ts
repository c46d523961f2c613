import type { FastifySchemaValidationError } from 'fastify/types/schema.js';

const PARTS: Record<string, string> = {
  body: 'the JSON body',
  querystring: 'the query string',
  params: 'the path',
  headers: 'the headers',
};

/**
 * The validator's first error as one sentence a caller can act on, e.g.
 * `the JSON body field "amountSats" must be <= 1000000000 (got 2000000000)`.
 */
export function validationMessage(errors: FastifySchemaValidationError[], dataVar: string): string {
  const part = PARTS[dataVar] ?? dataVar;
  const first = errors[0];
  if (!first) return `${part} is invalid`;
  const params = first.params;
  if (first.keyword === 'additionalProperties') {
    return `${part} has an unknown field ${JSON.stringify(params.additionalProperty)}`;
  }
  if (first.keyword === 'required') {
    return `${part} is missing the field ${JSON.stringify(params.missingProperty)}`;
  }
  const field = first.instancePath.split('/').filter(Boolean)[0];
  if (!field) return `${part} ${first.message ?? 'is invalid'}`;
  const got = (first as { data?: unknown }).data;
  const json = got === undefined ? undefined : (JSON.stringify(got) ?? typeof got);
  const shown = json === undefined ? '' : ` (got ${json.length > 60 ? `${json.slice(0, 57)}...` : json})`;
  return `${part} field ${JSON.stringify(field)} ${first.message ?? 'is invalid'}${shown}`;
}
