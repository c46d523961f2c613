import type { FastifySchemaValidationError } from 'fastify/types/schema.js';
import { ForklineError } from '../errors/catalogue.js';

const PARTS: Record<string, string> = {
  body: 'the JSON body',
  querystring: 'the query string',
  params: 'the path',
  headers: 'the headers',
};

/**
 * Turns the validator's errors into one sentence a person can act on, e.g.
 * `the query string field "limit" must be a whole number from 1 to 200 (got "500")`
 * or `the JSON body has an unknown field "foo" (allowed: userId)`.
 */
export function validationMessage(
  errors: FastifySchemaValidationError[],
  dataVar: string,
  /** What each field must be, in words (e.g. `limit: 'a whole number from 1 to 200'`). */
  fieldRules: Readonly<Record<string, string>> = {},
): string {
  const part = PARTS[dataVar] ?? dataVar;
  const first = errors[0];
  if (!first) return `${part} is invalid`;
  const field = fieldName(first);
  const params = first.params;
  switch (first.keyword) {
    case 'additionalProperties':
      return `${part} has an unknown field ${JSON.stringify(params.additionalProperty)}${allowed(first)}`;
    case 'required':
      return `${part} is missing the field ${JSON.stringify(params.missingProperty)}`;
    case 'type':
      if (!field) return `${part} must be a JSON ${String(params.type)}`;
      break;
  }
  if (field) {
    const rule = fieldRules[field];
    // The validator runs in verbose mode, so each error carries the offending value.
    const got = (first as { data?: unknown }).data;
    const shown = got === undefined ? '' : ` (got ${describeValue(got)})`;
    const must = rule === undefined ? (first.message ?? 'is invalid') : `must be ${rule}`;
    return `${part} field ${JSON.stringify(field)} ${must}${shown}`;
  }
  return `${part} ${first.message ?? 'is invalid'}`;
}

function fieldName(error: FastifySchemaValidationError): string | undefined {
  const path = error.instancePath.split('/').filter(Boolean);
  return path[0];
}

function allowed(error: FastifySchemaValidationError): string {
  const schema = (error as { parentSchema?: { properties?: Record<string, unknown> } }).parentSchema;
  const names = Object.keys(schema?.properties ?? {});
  return names.length > 0 ? ` (allowed: ${names.join(', ')})` : ' (this request takes no fields)';
}

function describeValue(value: unknown): string {
  const json = JSON.stringify(value) ?? String(value);
  return json.length > 60 ? `${json.slice(0, 57)}...` : json;
}

/**
 * The Fastify options every forkline API validates with: unknown fields refused, not
 * silently dropped; "123" is not a number and 123 not a string (query values are checked
 * as strings with patterns); verbose errors carry the offending value for the 400
 * message, which names each field's rule from `fieldRules`.
 */
export function strictValidation(fieldRules: Readonly<Record<string, string>> = {}) {
  return {
    ajv: {
      customOptions: {
        removeAdditional: false,
        coerceTypes: false,
        useDefaults: false,
        allErrors: false,
        verbose: true,
      },
    },
    schemaErrorFormatter: (errors: FastifySchemaValidationError[], dataVar: string) =>
      new ForklineError('INVALID_REQUEST', validationMessage(errors, dataVar, fieldRules)),
  } as const;
}
