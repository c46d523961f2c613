import { ForklineError, errorCodes, type ErrorCode } from '#shared/errors/catalogue.js';

export type OrderSide = 'buy' | 'sell';

/** An order as the trading service answers it (see its README section). */
export interface Order {
  orderId: string;
  userId: string;
  side: OrderSide;
  amountSats: number;
  limitPriceEurCents: number | null;
  status: 'open' | 'filled' | 'cancelled' | 'rejected';
  priceEurCents: number | null;
  eurCents: number | null;
  rejectReason: string | null;
  settlement: { state: string; txid: string | null } | null;
  placedAt: string;
  updatedAt: string;
}

export interface PlaceOrder {
  userId: string;
  side: OrderSide;
  amountSats: number;
  limitPriceEurCents?: number;
  /** Where a buy is paid and a sell's change goes: the user's newest registered address. */
  receiveAddress: string;
  /** The user's registered addresses, newest first (receiveAddress first): a sell spends coins there only. */
  spendAddresses: string[];
}

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
  placeOrder(order: PlaceOrder, idempotencyKey: string | undefined): Promise<TradingAnswer<Order>>;
  getOrder(orderId: string): Promise<Order>;
  cancelOrder(orderId: string): Promise<Order>;
  setPrice(eurPerBtc: number): Promise<HousePrice>;
  getPrice(): Promise<HousePrice>;
}

export interface TradingClientOptions {
  baseUrl: string;
  /** The admin token: the trading service trusts its caller, the BFF decides who may act. */
  token: string;
  timeoutMs: number;
}

/**
 * The BFF's way to the trading service: HTTP only, never its tables. A problem answer
 * becomes the same ForklineError here (its code and detail pass through to the client);
 * an unreachable or silent service becomes DEPENDENCY_UNAVAILABLE (503, retry).
 */
export function createTradingClient({ baseUrl, token, timeoutMs }: TradingClientOptions): TradingClient {
  async function call<T>(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<TradingAnswer<T>> {
    let res: Response;
    try {
      res = await fetch(new URL(path, baseUrl), {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...headers,
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (err) {
      throw new ForklineError(
        'DEPENDENCY_UNAVAILABLE',
        'the trading service is unreachable; try again shortly',
        {
          cause: err,
        },
      );
    }
    const text = await res.text();
    const json = parseJson(text);
    if (res.ok) return { status: res.status, body: json as T };
    throw fromProblem(res.status, json);
  }

  return {
    placeOrder: (order, idempotencyKey) =>
      call<Order>(
        'POST',
        '/orders',
        order,
        idempotencyKey === undefined ? {} : { 'idempotency-key': idempotencyKey },
      ),
    getOrder: async (orderId) => (await call<Order>('GET', `/orders/${encodeURIComponent(orderId)}`)).body,
    cancelOrder: async (orderId) =>
      (await call<Order>('DELETE', `/orders/${encodeURIComponent(orderId)}`)).body,
    setPrice: async (eurPerBtc) => (await call<HousePrice>('PUT', '/price', { eurPerBtc })).body,
    getPrice: async () => (await call<HousePrice>('GET', '/price')).body,
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
