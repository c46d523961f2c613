import type { OrderView } from '#shared/orders/orderView.js';

/** A small client of the BFF's HTTP API, as an app backend would use it. */
export interface Balance {
  userId: string;
  confirmedSats: number;
  pendingSats: number;
  immatureSats: number;
  totalSats: number;
  txCount: number;
  tip: { height: number; hash: string } | null;
  version: number;
}

export type TxStatus = 'pending' | 'confirmed' | 'reverted' | 'replaced' | 'dropped';

/**
 * One activity: a chain row (receive, withdrawal, self: `txid` its transaction, no order),
 * or an order row (bid/ask, buy/sell: `settlement` its linked transaction, once broadcast).
 */
export interface Activity {
  txid: string | null;
  type: 'receive' | 'withdrawal' | 'self' | 'bid' | 'ask' | 'buy' | 'sell';
  amountSats: number;
  status: TxStatus | 'open' | 'cancelled' | 'rejected' | 'settling';
  blockHeight: number | null;
  blockHash: string | null;
  confirmations: number | null;
  firstSeenAt: string;
  replacedBy: string | null;
  dropReason: 'replaced' | 'conflict' | 'evicted' | null;
  replaceable: boolean | null;
  orderId: string | null;
  side?: 'buy' | 'sell';
  limitPriceEurCents: number | null;
  priceEurCents: number | null;
  eurCents: number | null;
  rejectReason: string | null;
  settlement: null | {
    txid: string;
    status: TxStatus | 'settling';
    confirmations: number | null;
    deltaSats: number | null;
  };
}

/** An order as the BFF answers it. */
export type Order = OrderView;

/** A wallet registered by its descriptor, as the BFF answers it (POST/GET …/descriptors). */
export interface DescriptorView {
  userId: string;
  descriptorId: string;
  descriptor: string;
  changeDescriptor: string;
  gapLimit: number;
  fromHeight: number;
  rescanning: boolean;
  receive: { derived: number; highestUsed: number };
  change: { derived: number; highestUsed: number };
}

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {
    super(`HTTP ${status}: ${JSON.stringify(body)}`);
  }
}

export function createBffClient(baseUrl: string, token: string) {
  async function request<T>(
    method: string,
    path: string,
    body?: unknown,
    extraHeaders: Record<string, string> = {},
  ): Promise<{ status: number; headers: Headers; body: T }> {
    const res = await fetch(`${baseUrl}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...extraHeaders,
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(40_000),
    });
    const text = await res.text();
    const parsed = (text ? JSON.parse(text) : undefined) as T;
    if (res.status >= 400) throw new HttpError(res.status, parsed);
    return { status: res.status, headers: res.headers, body: parsed };
  }

  return {
    request,
    createUser: async (userId: string) =>
      (await request<{ userId: string }>('POST', '/v1/users', { userId })).body,
    addAddress: async (userId: string, address: string) =>
      (
        await request<{ userId: string; address: string }>(
          'POST',
          `/v1/users/${encodeURIComponent(userId)}/addresses`,
          { address },
        )
      ).body,
    /** The balance once the projection reflects a chain tip ≥ minHeight (or the current one after waitMs). */
    balance: async (userId: string, minHeight?: number, waitMs = 20_000) => {
      const query = minHeight === undefined ? '' : `?minHeight=${minHeight}&waitMs=${waitMs}`;
      return (await request<Balance>('GET', `/v1/users/${encodeURIComponent(userId)}/balance${query}`)).body;
    },
    activities: async (userId: string, limit = 200, cursor?: string) =>
      (
        await request<{ items: Activity[]; nextCursor: string | null }>(
          'GET',
          `/v1/users/${encodeURIComponent(userId)}/activities?limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
        )
      ).body,
    setPrice: async (eurPerBtc: number) =>
      (await request<{ priceEurCents: number; setAt: string }>('PUT', '/v1/price', { eurPerBtc })).body,
    placeOrder: async (
      userId: string,
      order: { side: 'buy' | 'sell'; amountSats: number; limitPriceEurCents?: number },
      idempotencyKey?: string,
    ) =>
      (
        await request<Order>(
          'POST',
          `/v1/users/${encodeURIComponent(userId)}/orders`,
          order,
          idempotencyKey === undefined ? {} : { 'idempotency-key': idempotencyKey },
        )
      ).body,
    order: async (userId: string, orderId: string) =>
      (await request<Order>('GET', `/v1/users/${encodeURIComponent(userId)}/orders/${orderId}`)).body,
    cancelOrder: async (userId: string, orderId: string) =>
      (await request<Order>('DELETE', `/v1/users/${encodeURIComponent(userId)}/orders/${orderId}`)).body,
    /** Every activity of a user, following the cursor to the end. */
    async allActivities(userId: string): Promise<Activity[]> {
      const all: Activity[] = [];
      let cursor: string | undefined;
      do {
        const page = await this.activities(userId, 200, cursor);
        all.push(...page.items);
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      return all;
    },
  };
}

export type BffClient = ReturnType<typeof createBffClient>;
