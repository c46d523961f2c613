import { Pool } from 'undici';
import { ForklineError, errorCodes, type ErrorCode } from '#shared/errors/catalogue.js';
import type { OrderView, PlaceOrderRequest } from '#shared/orders/orderView.js';

export interface HousePrice {
  priceEurCents: number | null;
  setAt: string | null;
}

/** The trading service's answer: a replayed idempotent request keeps its first status. */
export interface TradingAnswer<T> {
  status: number;
  body: T;
}

export interface TradingClient {
  placeOrder(order: PlaceOrderRequest, idempotencyKey: string | undefined): Promise<TradingAnswer<OrderView>>;
  getOrder(orderId: string): Promise<OrderView>;
  cancelOrder(orderId: string): Promise<OrderView>;
  setPrice(eurPerBtc: number): Promise<HousePrice>;
  getPrice(): Promise<HousePrice>;
  /** Closes the kept-alive connections. */
  close(): Promise<void>;
}

export interface TradingClientOptions {
  baseUrl: string;
  /** The admin token: the trading service trusts its caller, the BFF decides who may act. */
  token: string;
  timeoutMs: number;
}

/**
 * The BFF's way to the trading service: HTTP only, never its tables, over a pool of
 * kept-alive connections (undici's own API: a fraction of `fetch`'s cost per call). A
 * problem answer becomes the same ForklineError here (its code and detail pass through to
 * the client); an unreachable or silent service becomes DEPENDENCY_UNAVAILABLE (503, retry).
 */
export function createTradingClient({ baseUrl, token, timeoutMs }: TradingClientOptions): TradingClient {
  const url = new URL(baseUrl);
  const prefix = url.pathname.replace(/\/$/, '');
  const pool = new Pool(url.origin, {
    connections: 64,
    connectTimeout: timeoutMs,
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
  });

  async function call<T>(
    method: 'GET' | 'POST' | 'PUT' | 'DELETE',
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<TradingAnswer<T>> {
    let status: number;
    let text: string;
    try {
      const res = await pool.request({
        method,
        path: prefix + path,
        headers: {
          authorization: `Bearer ${token}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...headers,
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      status = res.statusCode;
      text = await res.body.text();
    } catch (err) {
      throw new ForklineError(
        'DEPENDENCY_UNAVAILABLE',
        'the trading service is unreachable; try again shortly',
        {
          cause: err,
        },
      );
    }
    const json = parseJson(text);
    if (status >= 200 && status < 300) return { status, body: json as T };
    throw fromProblem(status, json);
  }

  return {
    placeOrder: (order, idempotencyKey) =>
      call<OrderView>(
        'POST',
        '/orders',
        order,
        idempotencyKey === undefined ? {} : { 'idempotency-key': idempotencyKey },
      ),
    getOrder: async (orderId) =>
      (await call<OrderView>('GET', `/orders/${encodeURIComponent(orderId)}`)).body,
    cancelOrder: async (orderId) =>
      (await call<OrderView>('DELETE', `/orders/${encodeURIComponent(orderId)}`)).body,
    setPrice: async (eurPerBtc) => (await call<HousePrice>('PUT', '/price', { eurPerBtc })).body,
    getPrice: async () => (await call<HousePrice>('GET', '/price')).body,
    close: () => pool.close(),
  };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** Refusals of the BFF itself (its token), not of the caller's request: never passed on. */
const OWN_REFUSALS: ReadonlySet<string> = new Set(['UNAUTHORIZED', 'FORBIDDEN']);

/** A 4xx problem keeps its code and detail; anything else is the service failing. */
function fromProblem(status: number, json: unknown): ForklineError {
  const problem = (json ?? {}) as { code?: unknown; detail?: unknown };
  const code =
    typeof problem.code === 'string' && problem.code in errorCodes && !OWN_REFUSALS.has(problem.code)
      ? (problem.code as ErrorCode)
      : undefined;
  if (code && status < 500 && errorCodes[code].status === status) {
    return new ForklineError(code, typeof problem.detail === 'string' ? problem.detail : code);
  }
  if (status === 503 || status === 502 || status === 504) {
    return new ForklineError(
      'DEPENDENCY_UNAVAILABLE',
      'the trading service is unavailable; try again shortly',
    );
  }
  return new ForklineError('INTERNAL', `the trading service failed (HTTP ${status})`);
}
