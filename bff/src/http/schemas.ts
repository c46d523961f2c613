import { errorCodes } from '#shared/errors/catalogue.js';

/**
 * JSON schemas shared by the routes. Query-string and path values arrive as strings and
 * are validated as strings (the validator does not coerce types, so a JSON body with
 * `"userId": 123` is refused instead of silently becoming "123"); numeric ones carry a
 * pattern that already enforces their range.
 */

/** User ids: 1-64 letters, digits, `_` or `-` (safe in URLs, logs and stream names). */
export const USER_ID_PATTERN = '^[A-Za-z0-9_-]{1,64}$';

/** 1..200 */
export const LIMIT_PATTERN = '^(?:[1-9][0-9]?|1[0-9]{2}|200)$';
/** 0..999,999,999: a block height. */
export const HEIGHT_PATTERN = '^[0-9]{1,9}$';
/** 0..30,000 milliseconds. */
export const WAIT_MS_PATTERN = '^(?:[0-9]{1,4}|[12][0-9]{4}|30000)$';
export const CURSOR_PATTERN = '^[A-Za-z0-9_-]{1,64}$';

/** Order ids are uuids (the trading service makes them). */
export const ORDER_ID_PATTERN =
  '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$';
/** An Idempotency-Key: 1 to 200 printable ASCII characters, no spaces. */
export const IDEMPOTENCY_KEY_PATTERN = '^[\\x21-\\x7e]{1,200}$';

/** What each validated field must be, in words, for the 400 messages. */
export const fieldRules: Record<string, string> = {
  side: '"buy" or "sell"',
  amountSats: 'a whole number of satoshis, 1 or more',
  limitPriceEurCents: 'a whole number of euro cents per bitcoin, 1 or more (leave it out for a market order)',
  eurPerBtc: 'a price in euros per bitcoin above 0, with at most 2 decimals',
  orderId: 'an order id (a uuid)',
  'idempotency-key': '1 to 200 printable ASCII characters without spaces',
  userId: '1 to 64 characters, each a letter, a digit, "_" or "-"',
  address: 'a Bitcoin address (a string)',
  limit: 'a whole number from 1 to 200',
  minHeight: 'a block height (a whole number, 0 or more)',
  waitMs: 'a whole number of milliseconds from 0 to 30000',
  cursor: 'the nextCursor of a previous page, unchanged',
};

/** Commands take no query string: an unknown field is refused, as on the reads. */
export const NO_QUERY = { type: 'object', properties: {}, additionalProperties: false } as const;

/** A command's `rescanFromHeight`: count the history from this height (a rescan of the stored blocks). */
export const rescanFromHeightSchema = {
  type: 'integer',
  minimum: 0,
  maximum: 100_000_000,
  description:
    'Count the history from this block height: the crawler rescans its stored blocks from there ' +
    '(from the lowest it holds when that is higher). Without it, matching starts at the next block.',
} as const;

export const userIdParams = {
  type: 'object',
  properties: { userId: { type: 'string', pattern: USER_ID_PATTERN } },
  required: ['userId'],
  additionalProperties: false,
} as const;

/**
 * The problem document every error answer carries (`#shared/http/problem`), declared once
 * with `app.addSchema` and referenced as `Problem#` by every route's error responses.
 */
export const problemSchema = {
  $id: 'Problem',
  type: 'object',
  description: 'An RFC 9457 problem: every error answer, as application/problem+json',
  properties: {
    type: { type: 'string', description: 'urn:forkline:problem:<code, lower case, "-" for "_">' },
    title: { type: 'string' },
    status: { type: 'integer' },
    detail: { type: 'string', description: 'what went wrong, in words a person can act on' },
    instance: { type: 'string', description: 'the request path; left out when over 200 characters' },
    code: { type: 'string', enum: Object.keys(errorCodes) },
  },
  required: ['type', 'title', 'status', 'detail', 'code'],
} as const;

export const tipSchema = {
  type: ['object', 'null'],
  properties: { height: { type: 'integer' }, hash: { type: 'string' } },
  required: ['height', 'hash'],
} as const;
