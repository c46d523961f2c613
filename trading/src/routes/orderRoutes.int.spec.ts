import { randomBytes, randomUUID } from 'node:crypto';
import { networks, payments } from 'bitcoinjs-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROBLEM_CONTENT_TYPE } from '#shared/http/problem.js';
import { createRegtestNode, type RegtestNode } from '#shared/testing/regtestNode.js';
import { readStackEnv } from '#shared/testing/stackEnv.js';
import { createTradingHarness, type TradingHarness } from '../testing/tradingHarness.js';

type Json = Record<string, unknown>;

/** A fresh, valid regtest address no wallet holds. */
const regtestAddress = (): string =>
  payments.p2wpkh({ hash: randomBytes(20), network: networks.regtest }).address!;

describe('trading HTTP API: price, orders, cancels, idempotency', () => {
  let h: TradingHarness;
  // Sellers are checked against the shared users' wallet, where other specs' users live.
  const run = Date.now().toString(36);
  // BIP 173's regtest vector: these orders are never settled.
  const address = 'bcrt1qw508d6qejxtdg4y5r3zarvary0c5xw7kygt080';
  const order = (over: Json = {}): Json => ({
    userId: 'alice',
    side: 'buy',
    amountSats: 10_000_000,
    receiveAddress: address,
    spendAddresses: [address],
    ...over,
  });

  let node: RegtestNode;

  beforeAll(async () => {
    h = await createTradingHarness('trading-http', { maxOrderSats: 1_000_000_000 });
    const stack = readStackEnv();
    node = createRegtestNode(stack.BITCOIND_RPC_URL, stack.BITCOIND_WALLET);
    await node.ensureFunds(5);
  });
  afterAll(() => h.close());

  async function expectProblem(
    request: Promise<{ status: number; json: Json; contentType: string }>,
    status: number,
    code: string,
    detail?: RegExp,
  ) {
    const res = await request;
    expect({ status: res.status, code: res.json.code }).toEqual({ status, code });
    expect(res.contentType).toBe(PROBLEM_CONTENT_TYPE);
    expect(res.json).toMatchObject({
      status,
      type: expect.stringMatching(/^urn:forkline:problem:/) as string,
    });
    if (detail) expect(res.json.detail).toMatch(detail);
  }

  it('answers GET /price with nulls before a price is set, and refuses a market order with NO_PRICE', async () => {
    expect((await h.call('GET', '/price')).json).toEqual({ priceEurCents: null, setAt: null });
    const before = await h.fingerprint();
    await expectProblem(h.call('POST', '/orders', order()), 409, 'NO_PRICE', /no price is set yet/);
    expect(await h.fingerprint()).toBe(before);
  });

  it('refuses every malformed request with a problem document and writes nothing', async () => {
    const before = await h.fingerprint();
    const bad: [Json, RegExp][] = [
      [order({ amountSats: 0 }), /amountSats/],
      [order({ amountSats: -5 }), /amountSats/],
      [order({ amountSats: 1.5 }), /amountSats/],
      [order({ amountSats: 1_000_000_001 }), /amountSats/],
      [order({ amountSats: '100' }), /amountSats/],
      [order({ side: 'hold' }), /side/],
      [order({ limitPriceEurCents: 0 }), /limitPriceEurCents/],
      [order({ limitPriceEurCents: -100 }), /limitPriceEurCents/],
      [order({ limitPriceEurCents: 10.5 }), /limitPriceEurCents/],
      [order({ limitPriceEurCents: null }), /limitPriceEurCents/],
      [order({ extra: true }), /unknown field "extra"/],
      [order({ userId: 'not a user id' }), /userId/],
      [{ userId: 'alice', side: 'buy', amountSats: 1, spendAddresses: [address] }, /receiveAddress/],
      [{ userId: 'alice', side: 'buy', amountSats: 1, receiveAddress: address }, /spendAddresses/],
      [order({ spendAddresses: [] }), /spendAddresses/],
      [order({ spendAddresses: address }), /spendAddresses/],
      [order({ spendAddresses: [address, 7] }), /spendAddresses/],
      [order({ spendAddresses: [address, 'x'.repeat(101)] }), /spendAddresses/],
      [order({ spendAddresses: [address, 'has space'] }), /spendAddresses/],
      [order({ spendAddresses: Array.from({ length: 1001 }, () => address) }), /spendAddresses/],
      [order({ spendAddresses: [regtestAddress()] }), /"receiveAddress" must be one of "spendAddresses"/],
    ];
    for (const [body, detail] of bad) {
      await expectProblem(h.call('POST', '/orders', body), 400, 'INVALID_REQUEST', detail);
    }
    await expectProblem(
      h.call('POST', '/orders', order({ receiveAddress: 'nope', spendAddresses: ['nope'] })),
      400,
      'INVALID_ADDRESS',
    );
    await expectProblem(
      h.call('POST', '/orders', order({ spendAddresses: [address, 'nope'] })),
      400,
      'INVALID_ADDRESS',
    );
    await expectProblem(
      h.call(
        'POST',
        '/orders',
        order({ spendAddresses: [address, 'bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq'] }),
      ),
      400,
      'WRONG_NETWORK',
    );
    await expectProblem(
      h.call(
        'POST',
        '/orders',
        order({
          receiveAddress: 'bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq',
          spendAddresses: ['bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq'],
        }),
      ),
      400,
      'WRONG_NETWORK',
    );
    await expectProblem(
      h.call('POST', '/orders', order(), { headers: { 'idempotency-key': 'has space' } }),
      400,
      'INVALID_REQUEST',
    );
    for (const eurPerBtc of [0, -1, 1.234, '60000', 1e11]) {
      await expectProblem(h.call('PUT', '/price', { eurPerBtc }), 400, 'INVALID_REQUEST', /eurPerBtc/);
    }
    await expectProblem(h.call('PUT', '/price', { eurPerBtc: 1, currency: 'EUR' }), 400, 'INVALID_REQUEST');
    await expectProblem(h.call('POST', '/orders', order(), { token: null }), 401, 'UNAUTHORIZED');
    await expectProblem(
      h.call('PUT', '/price', { eurPerBtc: 1 }, { token: 'x'.repeat(40) }),
      401,
      'UNAUTHORIZED',
    );
    await expectProblem(h.call('GET', `/orders/${randomUUID()}`), 404, 'NOT_FOUND');
    await expectProblem(h.call('DELETE', `/orders/${randomUUID()}`), 404, 'NOT_FOUND');
    await expectProblem(h.call('GET', '/orders/not-a-uuid'), 400, 'INVALID_REQUEST');
    expect(await h.fingerprint()).toBe(before);
  });

  it('serves the probes, /status and /metrics without the token', async () => {
    expect((await h.call('GET', '/healthz', undefined, { token: null })).status).toBe(200);
    expect((await h.call('GET', '/readyz', undefined, { token: null })).status).toBe(200);
    const status = await h.call('GET', '/status', undefined, { token: null });
    expect(status.json).toMatchObject({ settlements: { pending: 0, failing: 0 } });
    const metrics = await h.trading.app.inject({ method: 'GET', url: '/metrics' });
    expect(metrics.body).toContain('forkline_trading_settlements_pending');
  });

  it('sets the price from its decimal digits and fills a market buy at once, rounded up', async () => {
    const price = await h.call('PUT', '/price', { eurPerBtc: 61234.57 });
    expect(price.status).toBe(200);
    expect(price.json).toMatchObject({ priceEurCents: 6_123_457 });
    expect((await h.call('GET', '/price')).json).toEqual(price.json);

    const res = await h.call('POST', '/orders', order({ amountSats: 12_345_678 }));
    expect(res.status).toBe(201);
    // 12,345,678 × 6,123,457 / 10^8 = 755,982.3... cents: a buy pays the cent up.
    expect(res.json).toMatchObject({
      userId: 'alice',
      side: 'buy',
      amountSats: 12_345_678,
      limitPriceEurCents: null,
      status: 'filled',
      priceEurCents: 6_123_457,
      eurCents: 755_983,
      rejectReason: null,
      settlement: { state: 'decided', txid: null },
    });
    const orderId = res.json.orderId as string;
    expect((await h.call('GET', `/orders/${orderId}`)).json).toEqual(res.json);
    expect(await h.orderEvents(orderId)).toEqual([
      {
        type: 'OrderPlaced',
        version: 1,
        payload: { orderId, userId: 'alice', side: 'buy', amountSats: 12_345_678, limitPriceEurCents: null },
      },
      {
        type: 'OrderFilled',
        version: 2,
        payload: {
          orderId,
          userId: 'alice',
          side: 'buy',
          amountSats: 12_345_678,
          priceEurCents: 6_123_457,
          eurCents: 755_983,
        },
      },
    ]);
  });

  it("rejects a sell the user's coins cannot fund, with the reason", async () => {
    const res = await h.call('POST', '/orders', order({ userId: `nobody-${run}`, side: 'sell' }));
    expect(res.status).toBe(201);
    expect(res.json).toMatchObject({ status: 'rejected', settlement: null, priceEurCents: null });
    expect(res.json.rejectReason).toMatch(
      /^insufficient funds: 0\.00000000 BTC spendable, 0\.10000000 BTC \+/,
    );
    const events = await h.orderEvents(res.json.orderId as string);
    expect(events.map((e) => [e.type, e.version])).toEqual([
      ['OrderPlaced', 1],
      ['OrderRejected', 2],
    ]);
  });

  it('answers a retried Idempotency-Key with the first answer, and refuses it with another body (422)', async () => {
    const headers = { 'idempotency-key': `key-${randomUUID()}` };
    const first = await h.call('POST', '/orders', order({ limitPriceEurCents: 100 }), { headers });
    expect(first.status).toBe(201);
    expect(first.json.status).toBe('open');
    // Cancelled since: the retry still gets the answer the first request got.
    await h.call('DELETE', `/orders/${first.json.orderId as string}`);
    const again = await h.call('POST', '/orders', order({ limitPriceEurCents: 100 }), { headers });
    expect({ status: again.status, json: again.json }).toEqual({ status: 201, json: first.json });

    const before = await h.fingerprint();
    await expectProblem(
      h.call('POST', '/orders', order({ limitPriceEurCents: 101 }), { headers }),
      422,
      'IDEMPOTENCY_KEY_REUSED',
    );
    expect(await h.fingerprint()).toBe(before);
    // The key is the user's own: another user may use the same one.
    const bob = await h.call('POST', '/orders', order({ userId: 'bob', limitPriceEurCents: 100 }), {
      headers,
    });
    expect(bob.status).toBe(201);
    expect(bob.json.orderId).not.toBe(first.json.orderId);

    // Concurrent retries of one request place one order.
    const racing = { 'idempotency-key': `race-${randomUUID()}` };
    const answers = await Promise.all(
      Array.from({ length: 5 }, () =>
        h.call('POST', '/orders', order({ limitPriceEurCents: 100 }), { headers: racing }),
      ),
    );
    expect(new Set(answers.map((a) => a.json.orderId)).size).toBe(1);
    expect(answers.every((a) => a.status === 201)).toBe(true);
  });

  it('answers a retry with the first answer when the user registered an address in between', async () => {
    const headers = { 'idempotency-key': `key-${randomUUID()}` };
    const [first, registered] = [regtestAddress(), regtestAddress()];
    const userId = `dora-${run}`;
    const body = { userId, side: 'buy', amountSats: 3_000, limitPriceEurCents: 100 };
    const placed = await h.call(
      'POST',
      '/orders',
      { ...body, receiveAddress: first, spendAddresses: [first] },
      { headers },
    );
    expect(placed.status).toBe(201);
    const before = await h.fingerprint();
    // The BFF's retry of the same request now carries the user's new address first.
    const again = await h.call(
      'POST',
      '/orders',
      { ...body, receiveAddress: registered, spendAddresses: [registered, first] },
      { headers },
    );
    expect({ status: again.status, json: again.json }).toEqual({ status: 201, json: placed.json });
    expect(await h.fingerprint()).toBe(before);
  });

  it('funds a sell from the coins at its addresses only, not from others under the same wallet label', async () => {
    await h.call('PUT', '/price', { eurPerBtc: 60000 });
    const userId = `erin-${run}`;
    const users = <T>(method: string, params: unknown[]) =>
      node.rpc.call<T>(method, params, { wallet: h.settings.usersWallet });
    const [registered, stray] = [
      await users<string>('getnewaddress', [`user:${userId}`, 'bech32']),
      await users<string>('getnewaddress', [`user:${userId}`, 'bech32']),
    ];
    await node.sendMany({ [registered]: 0.2, [stray]: 3 });
    const sell = (amountSats: number) =>
      h.call('POST', '/orders', {
        userId,
        side: 'sell',
        amountSats,
        receiveAddress: registered,
        spendAddresses: [registered],
      });
    const tooMuch = await sell(50_000_000);
    expect(tooMuch.json).toMatchObject({
      status: 'rejected',
      rejectReason:
        'insufficient funds: 0.20000000 BTC spendable, 0.50000000 BTC + 0.00010000 BTC fee margin needed',
    });
    expect((await sell(19_990_000)).json.status).toBe('filled');
  });

  it('cancels an open order once; a cancelled or filled order answers 409 ORDER_NOT_OPEN', async () => {
    const open = await h.call('POST', '/orders', order({ limitPriceEurCents: 1_000 }));
    const orderId = open.json.orderId as string;
    const cancelled = await h.call('DELETE', `/orders/${orderId}`);
    expect(cancelled.status).toBe(200);
    expect(cancelled.json).toMatchObject({ orderId, status: 'cancelled' });
    await expectProblem(h.call('DELETE', `/orders/${orderId}`), 409, 'ORDER_NOT_OPEN', /cancelled/);
    expect((await h.orderEvents(orderId)).map((e) => [e.type, e.version])).toEqual([
      ['OrderPlaced', 1],
      ['OrderCancelled', 2],
    ]);

    const filled = await h.call('POST', '/orders', order());
    await expectProblem(
      h.call('DELETE', `/orders/${filled.json.orderId as string}`),
      409,
      'ORDER_NOT_OPEN',
      /filled/,
    );
  });

  it('fills a limit order when a price change crosses it, not before, at the new price', async () => {
    await h.call('PUT', '/price', { eurPerBtc: 60000 });
    const buy = await h.call(
      'POST',
      '/orders',
      order({ amountSats: 50_000_000, limitPriceEurCents: 5_000_000 }),
    );
    expect(buy.json).toMatchObject({ status: 'open', priceEurCents: null, settlement: null });
    const buyId = buy.json.orderId as string;

    await h.call('PUT', '/price', { eurPerBtc: 50000.01 });
    expect((await h.call('GET', `/orders/${buyId}`)).json.status).toBe('open');

    await h.call('PUT', '/price', { eurPerBtc: 49999.5 });
    const filled = (await h.call('GET', `/orders/${buyId}`)).json;
    expect(filled).toMatchObject({ status: 'filled', priceEurCents: 4_999_950, eurCents: 2_499_975 });
    expect((await h.orderEvents(buyId)).map((e) => [e.type, e.version])).toEqual([
      ['OrderPlaced', 1],
      ['OrderFilled', 2],
    ]);

    // A limit order the current price already crosses fills as it is placed.
    const crossed = await h.call('POST', '/orders', order({ limitPriceEurCents: 6_000_000 }));
    expect(crossed.json).toMatchObject({ status: 'filled', priceEurCents: 4_999_950 });

    // A sell limit above the price stays open; its user's missing coins reject it once crossed.
    const sell = await h.call(
      'POST',
      '/orders',
      order({ userId: `carol-${run}`, side: 'sell', limitPriceEurCents: 7_000_000 }),
    );
    expect(sell.json.status).toBe('open');
    await h.call('PUT', '/price', { eurPerBtc: 69999.99 });
    expect((await h.call('GET', `/orders/${sell.json.orderId as string}`)).json.status).toBe('open');
    await h.call('PUT', '/price', { eurPerBtc: 70000 });
    expect((await h.call('GET', `/orders/${sell.json.orderId as string}`)).json).toMatchObject({
      status: 'rejected',
      rejectReason: expect.stringMatching(/^insufficient funds/) as string,
    });
  });

  it('lets exactly one of a cancel and a crossing price change win each order', async () => {
    await h.call('PUT', '/price', { eurPerBtc: 90000 });
    const ids: string[] = [];
    for (let i = 0; i < 20; i++) {
      const res = await h.call(
        'POST',
        '/orders',
        order({ userId: `racer${i}`, limitPriceEurCents: 8_000_000 }),
      );
      ids.push(res.json.orderId as string);
    }
    const [, ...cancels] = await Promise.all([
      h.call('PUT', '/price', { eurPerBtc: 80000 }),
      ...ids.map((id) => h.call('DELETE', `/orders/${id}`)),
    ]);
    for (const [i, id] of ids.entries()) {
      const final = (await h.call('GET', `/orders/${id}`)).json;
      const types = (await h.orderEvents(id)).map((e) => e.type);
      if (cancels[i]!.status === 200) {
        expect(final.status).toBe('cancelled');
        expect(types).toEqual(['OrderPlaced', 'OrderCancelled']);
      } else {
        expect(cancels[i]!.json.code).toBe('ORDER_NOT_OPEN');
        expect(final).toMatchObject({ status: 'filled', settlement: { state: 'decided' } });
        expect(types).toEqual(['OrderPlaced', 'OrderFilled']);
      }
    }
    const { rows } = await h.db.pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM settlements s JOIN orders o USING (order_id) WHERE o.status <> 'filled'`,
    );
    expect(rows[0]!.n).toBe(0);
  });
});
