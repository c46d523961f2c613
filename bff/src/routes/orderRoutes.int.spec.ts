import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ForklineError } from '#shared/errors/catalogue.js';
import type { OrderView, PlaceOrderRequest } from '#shared/orders/orderView.js';
import type { HousePrice, TradingClient } from '../orders/tradingClient.js';
import { regtestAddress } from '../testing/addresses.js';
import { expectProblem } from '../testing/expectProblem.js';
import { createTestApp, json, type TestApp } from '../testing/testApp.js';

/**
 * What the BFF itself decides on the order routes — who may act for which user, what is
 * valid, where a buy is paid and which addresses' coins a sell may spend — seen through the calls it makes to the trading service.
 * The trading service's own rules (prices, fills, settlement) are its specs' subject; the
 * end-to-end specs run the two together.
 */
describe('orders and price routes (inject; the trading service recorded)', () => {
  let t: TestApp;
  const calls: { method: string; args: unknown[] }[] = [];
  const orders = new Map<string, OrderView>();
  let next: ForklineError | undefined;
  /** Records a call; fails it with `next` when one is set. */
  const record = async (method: string, ...args: unknown[]): Promise<void> => {
    calls.push({ method, args });
    const err = next;
    next = undefined;
    if (err) return Promise.reject(err);
  };
  const trading: TradingClient = {
    async placeOrder(order: PlaceOrderRequest, key: string | undefined) {
      await record('placeOrder', order, key);
      const placed: OrderView = {
        orderId: randomUUID(),
        userId: order.userId,
        side: order.side,
        amountSats: order.amountSats,
        limitPriceEurCents: order.limitPriceEurCents ?? null,
        status: 'open',
        priceEurCents: null,
        eurCents: null,
        rejectReason: null,
        settlement: null,
        placedAt: new Date(0).toISOString(),
        updatedAt: new Date(0).toISOString(),
      };
      orders.set(placed.orderId, placed);
      return { status: 201, body: placed };
    },
    async getOrder(orderId: string) {
      await record('getOrder', orderId);
      const order = orders.get(orderId);
      if (!order) throw new ForklineError('NOT_FOUND', `there is no order ${orderId}`);
      return order;
    },
    async cancelOrder(orderId: string) {
      await record('cancelOrder', orderId);
      const order = { ...orders.get(orderId)!, status: 'cancelled' as const };
      orders.set(orderId, order);
      return order;
    },
    async setPrice(eurPerBtc: number): Promise<HousePrice> {
      await record('setPrice', eurPerBtc);
      return { priceEurCents: Math.round(eurPerBtc * 100), setAt: new Date(0).toISOString() };
    },
    async getPrice(): Promise<HousePrice> {
      await record('getPrice');
      return { priceEurCents: 6_500_000, setAt: new Date(0).toISOString() };
    },
    async close() {},
  };
  const [older, newer, bens] = [regtestAddress(), regtestAddress(), regtestAddress()];

  beforeAll(async () => {
    t = await createTestApp('bff-orders', { trading });
    for (const userId of ['ann', 'ben', 'nobody-pays']) {
      await t.app.inject({ method: 'POST', url: '/v1/users', headers: t.admin, payload: { userId } });
    }
    for (const [userId, address] of [
      ['ann', older],
      ['ann', newer],
      ['ben', bens],
    ] as const) {
      const res = await t.app.inject({
        method: 'POST',
        url: `/v1/users/${userId}/addresses`,
        headers: t.admin,
        payload: { address },
      });
      expect(res.statusCode).toBe(201);
      // added_at orders them: the second is the newer.
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  });
  afterAll(() => t.close());
  beforeEach(() => {
    calls.length = 0;
  });

  const place = (userId: string, payload: unknown, headers: Record<string, string> = t.admin) =>
    t.app.inject({ method: 'POST', url: `/v1/users/${userId}/orders`, headers, payload: payload as object });

  it('places an order for the user with their own token: paid to their newest address, spending from all of theirs, key passed on', async () => {
    const res = await place(
      'ann',
      { side: 'buy', amountSats: 50_000, limitPriceEurCents: 6_000_000 },
      { ...t.userAuth('ann'), 'idempotency-key': 'ann-1' },
    );
    expect(res.statusCode).toBe(201);
    const order = json<OrderView>(res);
    expect(order).toMatchObject({ userId: 'ann', side: 'buy', amountSats: 50_000, status: 'open' });
    expect(res.headers.location).toBe(`/v1/users/ann/orders/${order.orderId}`);
    expect(calls).toEqual([
      {
        method: 'placeOrder',
        args: [
          {
            userId: 'ann',
            side: 'buy',
            amountSats: 50_000,
            limitPriceEurCents: 6_000_000,
            receiveAddress: newer,
            spendAddresses: [newer, older],
          },
          'ann-1',
        ],
      },
    ]);
  });

  it.each([
    [
      { side: 'buy', amountSats: 0 },
      /field "amountSats" must be a whole number of satoshis, 1 or more \(got 0\)/,
    ],
    [{ side: 'buy', amountSats: -5 }, /"amountSats"/],
    [{ side: 'buy', amountSats: 1.5 }, /"amountSats"/],
    [{ side: 'buy', amountSats: '100' }, /"amountSats"/],
    [{ side: 'buy', amountSats: 2 ** 53 }, /"amountSats"/],
    [{ side: 'hold', amountSats: 5 }, /field "side" must be "buy" or "sell" \(got "hold"\)/],
    [{ side: 'sell', amountSats: 5, limitPriceEurCents: 0 }, /field "limitPriceEurCents"/],
    [{ side: 'sell', amountSats: 5, limitPriceEurCents: null }, /field "limitPriceEurCents"/],
    [{ side: 'sell' }, /missing the field "amountSats"/],
    [{ side: 'sell', amountSats: 5, price: 1 }, /unknown field "price"/],
  ])('400 for %j, and nothing asked of the trading service', async (payload, detail) => {
    expect(expectProblem(await place('ann', payload), 400, 'INVALID_REQUEST').detail).toMatch(detail);
    expect(calls).toEqual([]);
  });

  it('400 for an Idempotency-Key with a space or over 200 characters', async () => {
    for (const key of ['a b', 'k'.repeat(201)]) {
      const res = await place('ann', { side: 'buy', amountSats: 5 }, { ...t.admin, 'idempotency-key': key });
      expect(expectProblem(res, 400, 'INVALID_REQUEST').detail).toMatch(/"idempotency-key"/);
    }
    expect(calls).toEqual([]);
  });

  it('404 for an unknown user, 409 NO_ADDRESS for a user with no address, 403 for another user’s token', async () => {
    expectProblem(await place('ghost', { side: 'buy', amountSats: 5 }), 404, 'NOT_FOUND');
    const none = expectProblem(await place('nobody-pays', { side: 'buy', amountSats: 5 }), 409, 'NO_ADDRESS');
    expect(none.detail).toMatch(/register one first/);
    expectProblem(await place('ann', { side: 'buy', amountSats: 5 }, t.userAuth('ben')), 403, 'FORBIDDEN');
    expect(calls).toEqual([]);
  });

  it('passes the trading service’s refusal on as it is (e.g. no price yet)', async () => {
    next = new ForklineError('NO_PRICE', 'no price is set yet: an admin sets it with PUT /v1/price');
    const res = await place('ann', { side: 'sell', amountSats: 5 });
    expect(expectProblem(res, 409, 'NO_PRICE').detail).toBe(
      'no price is set yet: an admin sets it with PUT /v1/price',
    );
  });

  it('reads and cancels one’s own order; another user’s is 403, an unknown one 404', async () => {
    const order = json<OrderView>(await place('ben', { side: 'sell', amountSats: 7 }));
    // Ben's coins only: his one address, none of ann's.
    expect(calls[0]!.args[0]).toMatchObject({ receiveAddress: bens, spendAddresses: [bens] });
    const url = `/v1/users/ben/orders/${order.orderId}`;
    const read = await t.app.inject({ url, headers: t.userAuth('ben') });
    expect(json(read)).toEqual(order);
    const foreign = await t.app.inject({
      url: `/v1/users/ann/orders/${order.orderId}`,
      headers: t.userAuth('ann'),
    });
    expect(expectProblem(foreign, 403, 'FORBIDDEN').detail).toMatch(/belongs to another user/);
    calls.length = 0;
    const cancelForeign = await t.app.inject({
      method: 'DELETE',
      url: `/v1/users/ann/orders/${order.orderId}`,
      headers: t.admin,
    });
    expectProblem(cancelForeign, 403, 'FORBIDDEN');
    expect(calls.map((c) => c.method)).toEqual(['getOrder']);
    const cancelled = await t.app.inject({ method: 'DELETE', url, headers: t.userAuth('ben') });
    expect(json(cancelled)).toMatchObject({ orderId: order.orderId, status: 'cancelled' });
    const unknown = await t.app.inject({ url: `/v1/users/ben/orders/${randomUUID()}`, headers: t.admin });
    expectProblem(unknown, 404, 'NOT_FOUND');
    const malformed = await t.app.inject({ url: '/v1/users/ben/orders/not-a-uuid', headers: t.admin });
    expect(expectProblem(malformed, 400, 'INVALID_REQUEST').detail).toMatch(/"orderId" must be an order id/);
  });

  it('the price: set by the admin only, read by anyone signed in', async () => {
    const put = (payload: unknown, headers = t.admin) =>
      t.app.inject({ method: 'PUT', url: '/v1/price', headers, payload: payload as object });
    expectProblem(await put({ eurPerBtc: 65_000 }, t.userAuth('ann')), 403, 'FORBIDDEN');
    expectProblem(await put({ eurPerBtc: 0 }), 400, 'INVALID_REQUEST');
    expectProblem(await put({ eurPerBtc: '65000' }), 400, 'INVALID_REQUEST');
    expect(calls).toEqual([]);
    const set = await put({ eurPerBtc: 65_000.5 });
    expect(json(set)).toEqual({ priceEurCents: 6_500_050, setAt: new Date(0).toISOString() });
    const read = await t.app.inject({ url: '/v1/price', headers: t.userAuth('ben') });
    expect(read.statusCode).toBe(200);
    expectProblem(await t.app.inject({ url: '/v1/price' }), 401, 'UNAUTHORIZED');
  });
});

describe('orders when the trading service does not answer', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp('bff-orders-down');
  });
  afterAll(() => t.close());

  it('503 DEPENDENCY_UNAVAILABLE with Retry-After', async () => {
    const res = await t.app.inject({ url: '/v1/price', headers: t.admin });
    expect(expectProblem(res, 503, 'DEPENDENCY_UNAVAILABLE').detail).toMatch(
      /trading service is unreachable/,
    );
    expect(res.headers['retry-after']).toBe('5');
  });
});
