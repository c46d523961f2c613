import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { isTransientDbError } from '../db/isTransientDbError.js';
import { ForklineError, type ErrorCode } from '../errors/catalogue.js';

/** An RFC 9457 problem document, as every error leaves forkline's HTTP services. */
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
  WRONG_NETWORK: 'Address or key of another network',
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
  URI_TOO_LONG: 'URL too long',
  HEADERS_TOO_LARGE: 'Request headers too large',
  REQUEST_TIMEOUT: 'Request timeout',
  NO_PRICE: 'No price set',
  ORDER_NOT_OPEN: 'Order not open',
  IDEMPOTENCY_KEY_REUSED: 'Idempotency key reused',
  NO_ADDRESS: 'No address to pay',
  PAGE_NOT_BUILT: 'Page not built',
  TOO_MANY_SUBSCRIBERS: 'Too many live subscribers',
  PRIVATE_KEY_REFUSED: 'Private key refused',
  BAD_CHECKSUM: 'Descriptor checksum does not match',
  HARDENED_DERIVATION: 'Hardened derivation from a public key',
  UNSUPPORTED_DESCRIPTOR: 'Unsupported descriptor',
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

/**
 * Translates an error Fastify raises before a route is found (it then has no route's
 * hooks or error handler). The URL is not echoed: it may be what was wrong with it.
 */
export function fromRoutingError(err: FastifyError, bodyLimitBytes: number): ForklineError {
  switch (err.code) {
    case 'FST_ERR_BAD_URL':
      return new ForklineError('INVALID_REQUEST', 'the URL path is not valid percent-encoding');
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return new ForklineError('URI_TOO_LONG', 'a segment of the URL path is longer than 100 characters');
  }
  return toForklineError(err, bodyLimitBytes);
}

/** Translates an error of Node's HTTP parser (the 'clientError' event), which has no request. */
export function fromClientError(err: Error & { code?: string }): ForklineError {
  switch (err.code) {
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return new ForklineError('REQUEST_TIMEOUT', 'the request was not received in time');
    case 'HPE_HEADER_OVERFLOW':
      return new ForklineError('HEADERS_TOO_LARGE', 'the request headers are larger than the server accepts');
  }
  return new ForklineError(
    'INVALID_REQUEST',
    'the request is not valid HTTP/1.1 (for example a wrong or repeated Content-Length header)',
  );
}

/** Longer paths are never repeated in an answer: a client gets back no more than this. */
export const MAX_ECHOED_PATH = 200;

/**
 * A problem document; `request` gives the instance (its path), left out when absent or
 * longer than MAX_ECHOED_PATH.
 */
export function problemOf(err: ForklineError, request?: FastifyRequest): Problem {
  const path = request ? (request.url.split('?')[0] ?? request.url) : undefined;
  return {
    type: problemType(err.code),
    title: TITLES[err.code],
    status: err.status,
    detail: err.message,
    ...(path !== undefined && path.length <= MAX_ECHOED_PATH ? { instance: path } : {}),
    code: err.code,
  };
}

/** A whole HTTP/1.1 response carrying a problem, for a socket that has no request object. */
export function rawProblemResponse(err: ForklineError): string {
  const body = JSON.stringify(problemOf(err));
  return [
    `HTTP/1.1 ${err.status} ${TITLES[err.code]}`,
    `Content-Type: ${PROBLEM_CONTENT_TYPE}`,
    `Content-Length: ${Buffer.byteLength(body)}`,
    'Connection: close',
    '',
    body,
  ].join('\r\n');
}

/**
 * Sends a problem document, with the headers some statuses call for; `request` is left
 * out when its URL must not be echoed.
 */
export function sendProblem(
  reply: FastifyReply,
  request: FastifyRequest | undefined,
  err: ForklineError,
): FastifyReply {
  if (err.code === 'UNAUTHORIZED') reply.header('www-authenticate', 'Bearer realm="forkline"');
  if (err.code === 'DEPENDENCY_UNAVAILABLE' || err.code === 'TOO_MANY_SUBSCRIBERS')
    reply.header('retry-after', '5');
  return reply.code(err.status).type(PROBLEM_CONTENT_TYPE).send(problemOf(err, request));
}
