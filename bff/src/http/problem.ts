import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { isTransientDbError } from '#shared/db/isTransientDbError.js';
import { ForklineError, type ErrorCode } from '#shared/errors/catalogue.js';

/** An RFC 9457 problem document, as every error leaves the BFF. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
  code: ErrorCode;
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json; charset=utf-8';

const TITLES: Record<ErrorCode, string> = {
  INVALID_ADDRESS: 'Not a Bitcoin address',
  WRONG_NETWORK: 'Address of another network',
  INVALID_REQUEST: 'Invalid request',
  UNAUTHORIZED: 'Authentication required',
  FORBIDDEN: 'Not allowed',
  NOT_FOUND: 'Not found',
  USER_EXISTS: 'User already exists',
  ADDRESS_TAKEN: 'Address belongs to another user',
  PAYLOAD_TOO_LARGE: 'Request body too large',
  RATE_LIMITED: 'Too many requests',
  DEPENDENCY_UNAVAILABLE: 'Service temporarily unavailable',
  REORG_TOO_DEEP: 'Reorganisation too deep',
  NODE_RPC: 'Bitcoin node error',
  UNSUPPORTED_MEDIA_TYPE: 'Unsupported media type',
  INTERNAL: 'Internal error',
};

export const problemType = (code: ErrorCode): string =>
  `urn:forkline:problem:${code.toLowerCase().replace(/_/g, '-')}`;

/**
 * Maps anything thrown while serving a request to a ForklineError with a message a
 * person understands. Fastify's own 4xx errors (bad JSON, body too large, wrong media
 * type) are translated; anything unexpected becomes INTERNAL with no detail leaked.
 */
export function toForklineError(err: unknown, bodyLimitBytes: number): ForklineError {
  if (err instanceof ForklineError) return err;
  const e = err as Partial<FastifyError> & Error;
  switch (e.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new ForklineError(
        'PAYLOAD_TOO_LARGE',
        `the request body is larger than the limit of ${bodyLimitBytes} bytes`,
      );
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new ForklineError(
        'UNSUPPORTED_MEDIA_TYPE',
        'send the body as JSON with the header Content-Type: application/json',
      );
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new ForklineError(
        'INVALID_REQUEST',
        'the Content-Type says JSON but the body is empty: send {} or leave out the header',
      );
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return new ForklineError('INVALID_REQUEST', `the body is not valid JSON: ${e.message}`);
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new ForklineError('INVALID_REQUEST', 'the Content-Length header does not match the body');
  }
  if (e instanceof SyntaxError && e.statusCode === 400) {
    return new ForklineError('INVALID_REQUEST', `the body is not valid JSON: ${e.message}`);
  }
  if (isTransientDbError(err)) {
    return new ForklineError('DEPENDENCY_UNAVAILABLE', 'a database is unreachable; try again shortly', {
      cause: err,
    });
  }
  const status = typeof e.statusCode === 'number' ? e.statusCode : 500;
  if (status === 404) return new ForklineError('NOT_FOUND', e.message);
  if (status === 413) return new ForklineError('PAYLOAD_TOO_LARGE', e.message);
  if (status === 415) return new ForklineError('UNSUPPORTED_MEDIA_TYPE', e.message);
  if (status >= 400 && status < 500) return new ForklineError('INVALID_REQUEST', e.message);
  return new ForklineError('INTERNAL', 'an unexpected error occurred; it has been logged', { cause: err });
}

export function problemOf(err: ForklineError, request: FastifyRequest): Problem {
  return {
    type: problemType(err.code),
    title: TITLES[err.code],
    status: err.status,
    detail: err.message,
    instance: request.url.split('?')[0] ?? request.url,
    code: err.code,
  };
}

/** Sends a problem document, with the headers some statuses call for. */
export function sendProblem(reply: FastifyReply, request: FastifyRequest, err: ForklineError): FastifyReply {
  if (err.code === 'UNAUTHORIZED') reply.header('www-authenticate', 'Bearer realm="forkline"');
  if (err.code === 'DEPENDENCY_UNAVAILABLE') reply.header('retry-after', '5');
  return reply.code(err.status).type(PROBLEM_CONTENT_TYPE).send(problemOf(err, request));
}
