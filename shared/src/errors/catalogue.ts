/**
 * The error catalogue: a stable code per failure a caller can act on, the HTTP
 * status the BFF answers with, and whether retrying can help. Codes are never reused.
 */
export const errorCodes = {
  INVALID_ADDRESS: { status: 400, retriable: false },
  WRONG_NETWORK: { status: 400, retriable: false },
  INVALID_REQUEST: { status: 400, retriable: false },
  UNAUTHORIZED: { status: 401, retriable: false },
  FORBIDDEN: { status: 403, retriable: false },
  NOT_FOUND: { status: 404, retriable: false },
  USER_EXISTS: { status: 409, retriable: false },
  ADDRESS_TAKEN: { status: 409, retriable: false },
  PAYLOAD_TOO_LARGE: { status: 413, retriable: false },
  RATE_LIMITED: { status: 429, retriable: true },
  DEPENDENCY_UNAVAILABLE: { status: 503, retriable: true },
  REORG_TOO_DEEP: { status: 500, retriable: false },
  NODE_RPC: { status: 502, retriable: true },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, retriable: false },
  INTERNAL: { status: 500, retriable: false },
  URI_TOO_LONG: { status: 414, retriable: false },
  HEADERS_TOO_LARGE: { status: 431, retriable: false },
  REQUEST_TIMEOUT: { status: 408, retriable: true },
  /** A market order, or a price-dependent answer, before an admin set the house price. */
  NO_PRICE: { status: 409, retriable: false },
  /** Cancelling an order that is filled, cancelled or rejected. */
  ORDER_NOT_OPEN: { status: 409, retriable: false },
  /** An Idempotency-Key used before with another request body. */
  IDEMPOTENCY_KEY_REUSED: { status: 422, retriable: false },
  /** A buy for a user with no registered address to pay. */
  NO_ADDRESS: { status: 409, retriable: false },
  /** The wallet page asked for before `make web` built it (BFF_WEB_DIR has no index.html). */
  PAGE_NOT_BUILT: { status: 503, retriable: false },
  /** A live-update subscription beyond the process's limit of open streams. */
  TOO_MANY_SUBSCRIBERS: { status: 503, retriable: true },
  /** A wallet descriptor holding a private key (xprv/tprv, WIF): refused, the key never echoed. */
  PRIVATE_KEY_REFUSED: { status: 400, retriable: false },
  /** A wallet descriptor whose `#checksum` (BIP-380) does not match its text: a character was mistyped. */
  BAD_CHECKSUM: { status: 400, retriable: false },
  /** A wallet descriptor with hardened steps after its public key (`/1h`, `*'`): only a private key derives them. */
  HARDENED_DERIVATION: { status: 400, retriable: false },
  /** A descriptor that is not wpkh, sh(wpkh), pkh or key-path tr over an xpub ending /0/* or /<0;1>/*. */
  UNSUPPORTED_DESCRIPTOR: { status: 400, retriable: false },
} as const;

export type ErrorCode = keyof typeof errorCodes;

export class ForklineError extends Error {
  override readonly name = 'ForklineError';
  readonly status: number;
  readonly retriable: boolean;

  constructor(
    readonly code: ErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.status = errorCodes[code].status;
    this.retriable = errorCodes[code].retriable;
  }
}

export const isForklineError = (err: unknown, code?: ErrorCode): err is ForklineError =>
  err instanceof ForklineError && (code === undefined || err.code === code);
