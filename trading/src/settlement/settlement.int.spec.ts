import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Registry } from 'prom-client';
import { btcToSats } from '#shared/bitcoin/btcSats.js';
import { createLogger } from '#shared/logging/logger.js';
import { createRegtestNode, type RegtestNode } from '#shared/testing/regtestNode.js';
import { readStackEnv } from '#shared/testing/stackEnv.js';
import { waitFor } from '#shared/testing/waitFor.js';
import { selectSettlement } from '../db/selectDueSettlement.js';
import { selectSettlementBacklog } from '../db/selectSettlementBacklog.js';
import { createTradingMetrics } from '../metrics.js';
import { createTradingHarness, type TradingHarness } from '../testing/tradingHarness.js';
import { createNodeWallets, type NodeWallets } from '../wallet/nodeWallets.js';
import { createSettlementWorker, type SettlementWorker } from './createSettlementWorker.js';
import { signSettlement } from './signSettlement.js';

const HOUSE = 'forkline-house';
const USERS = 'forkline-users';

interface Unspent {
  txid: string;
  vout: number;
  amount: number;
}

interface DecodedTx {
  txid: string;
  vin: { txid: string; vout: number }[];
  vout: { value: number; scriptPubKey: { address?: string } }[];
}

describe('settlement against the regtest node: buys paid by the house, sells by the user, exactly once', () => {
  let h: TradingHarness;
  let node: RegtestNode;
  let wallets: NodeWallets;
  const workers: SettlementWorker[] = [];
  const run = Date.now().toString(36);

  const users = <T>(method: string, params: unknown[]) => node.rpc.call<T>(method, params, { wallet: USERS });
  const house = <T>(method: string, params: unknown[]) => node.rpc.call<T>(method, params, { wallet: HOUSE });

  /**
   * A user whose (registered) address belongs to the users' wallet, labelled `user:<id>`
   * as the regtest tools do, paid `btc` (unconfirmed) when given.
   */
  async function walletUser(name: string, btc?: number): Promise<{ userId: string; address: string }> {
    const userId = `${name}-${run}`;
    return { userId, address: await labelledAddress(userId, btc) };
  }

  /**
   * Another address of the users' wallet under the label `user:<userId>`, paid `btc` when
   * given: registered to the user only when an order names it (say another forkline
   * instance's user of the same name, sharing the node).
   */
  async function labelledAddress(userId: string, btc?: number): Promise<string> {
    const address = await users<string>('getnewaddress', [`user:${userId}`, 'bech32']);
    if (btc) await node.send(address, btc);
    return address;
  }

  const unspentAt = (...addresses: string[]) => users<Unspent[]>('listunspent', [0, 9_999_999, addresses]);
  const outpoints = (coins: { txid: string; vout: number }[]) =>
    coins.map((c) => `${c.txid}:${c.vout}`).sort();

  function startWorker(
    w: Pick<NodeWallets, 'buildBuy' | 'buildSell' | 'broadcast' | 'txStatus'> = wallets,
    buriedConfirmations = 6,
  ) {
    const worker = createSettlementWorker({
      buriedConfirmations,
      db: h.db.pool,
      wallets: w,
      log: createLogger('settlement-test', 'silent'),
      metrics: createTradingMetrics(new Registry(), () => selectSettlementBacklog(h.db.pool)),
      pollIntervalMs: 50,
      maxRetryMs: 300,
    });
    workers.push(worker);
    worker.start();
    return worker;
  }

  /** A market order; the user's addresses are `receiveAddress` (their newest) and `older`. */
  const placeMarket = async (
    userId: string,
    side: 'buy' | 'sell',
    amountSats: number,
    receiveAddress: string,
    older: string[] = [],
  ) => {
    const res = await h.call('POST', '/orders', {
      userId,
      side,
      amountSats,
      receiveAddress,
      spendAddresses: [receiveAddress, ...older],
    });
    expect(res.status).toBe(201);
    return res.json as { orderId: string; status: string; rejectReason: string | null };
  };

  const broadcastTxid = (orderId: string) =>
    waitFor(
      () => selectSettlement(h.db.pool, orderId),
      (s) => s?.state === 'broadcast',
      { timeoutMs: 30_000, what: `the settlement of ${orderId} to be broadcast` },
    ).then((s) => s!.txid!);

  const inMempool = (txid: string) =>
    node.rpc.call('getmempoolentry', [txid]).then(
      () => true,
      () => false,
    );
  const watchColumns = async (orderId: string) =>
    (
      await h.db.pool.query<{ buriedAt: Date | null; conflict: string | null; lastError: string | null }>(
        `SELECT buried_at AS "buriedAt", conflict, last_error AS "lastError" FROM settlements WHERE order_id = $1`,
        [orderId],
      )
    ).rows[0]!;

  const decode = (txid: string) => node.rpc.call<DecodedTx>('getrawtransaction', [txid, true]);

  /** A transaction's payments to the house wallet (sats), and the addresses of its other outputs. */
  async function outputsOf(tx: DecodedTx): Promise<{ toHouse: number[]; others: (string | undefined)[] }> {
    const toHouse: number[] = [];
    const others: (string | undefined)[] = [];
    for (const out of tx.vout) {
      const info = await house<{ ismine: boolean }>('getaddressinfo', [out.scriptPubKey.address]);
      if (info.ismine) toHouse.push(btcToSats(out.value));
      else others.push(out.scriptPubKey.address);
    }
    return { toHouse, others };
  }

  /** The house wallet's own record of payments to `address`. */
  const housePaymentsTo = async (address: string) =>
    (
      await house<{ address?: string; category: string; txid: string }[]>('listtransactions', ['*', 1000])
    ).filter((t) => t.address === address && t.category === 'send');

  beforeAll(async () => {
    const stack = readStackEnv();
    node = createRegtestNode(stack.BITCOIND_RPC_URL, stack.BITCOIND_WALLET);
    h = await createTradingHarness('trading-settle');
    wallets = createNodeWallets({
      rpc: node.rpc,
      houseWallet: HOUSE,
      usersWallet: USERS,
      feeRateSatVb: 2,
      sellFeeMarginSats: h.settings.sellFeeMarginSats,
    });
    await node.ensureFunds(20);
    await node.send(await house<string>('getnewaddress', ['funding', 'bech32']), 3);
    await node.mine(1);
    expect((await h.call('PUT', '/price', { eurPerBtc: 60000 })).status).toBe(200);
  });
  afterEach(async () => {
    await Promise.all(workers.splice(0).map((w) => w.close()));
  });
  afterAll(() => h.close());

  it("pays a buy from the house wallet to the order's address, then writes SettlementBroadcast", async () => {
    const buyer = await walletUser('buyer');
    const order = await placeMarket(buyer.userId, 'buy', 10_000_000, buyer.address);
    expect(order.status).toBe('filled');
    startWorker();
    const txid = await broadcastTxid(order.orderId);
    await node.expectInMempool(txid, HOUSE);
    const tx = await decode(txid);
    expect(
      tx.vout.filter((o) => o.scriptPubKey.address === buyer.address).map((o) => btcToSats(o.value)),
    ).toEqual([10_000_000]);
    const { amount } = await house<{ amount: number }>('gettransaction', [txid]);
    expect(btcToSats(-amount)).toBe(10_000_000);
    expect((await h.orderEvents(order.orderId)).map((e) => [e.type, e.version])).toEqual([
      ['OrderPlaced', 1],
      ['OrderFilled', 2],
      ['SettlementBroadcast', 3],
    ]);
    expect((await h.orderEvents(order.orderId))[2]!.payload).toEqual({
      orderId: order.orderId,
      userId: buyer.userId,
      txid,
    });
    const shown = await h.call('GET', `/orders/${order.orderId}`);
    expect(shown.json.settlement).toEqual({ state: 'broadcast', txid });
  });

  it("spends only the coins at the seller's registered addresses, to a fresh house address, change back to the seller", async () => {
    const seller = await walletUser('seller', 1);
    // Under the seller's label in the shared wallet, but not one of the order's addresses.
    const stray = await labelledAddress(seller.userId, 2);
    const other = await walletUser('bystander', 1);
    const coins = await unspentAt(seller.address);
    const order = await placeMarket(seller.userId, 'sell', 30_000_000, seller.address);
    expect(order.status).toBe('filled');
    startWorker();
    const txid = await broadcastTxid(order.orderId);
    const tx = await decode(txid);
    expect(outpoints(tx.vin)).toEqual(outpoints(coins));
    expect(await outputsOf(tx)).toEqual({ toHouse: [30_000_000], others: [seller.address] });
    // The bystander's coins and the stray coin under the seller's label are untouched.
    expect(await unspentAt(other.address)).toHaveLength(1);
    expect((await unspentAt(stray)).map((c) => btcToSats(c.amount))).toEqual([200_000_000]);
  });

  it('spends only as many coins as the sell needs: confirmed ones first, largest first', async () => {
    const { userId, address: oldest } = await walletUser('several');
    const [middle, newest] = [await labelledAddress(userId), await labelledAddress(userId)];
    await node.sendMany({ [oldest]: 0.2, [middle]: 0.5, [newest]: 0.05 });
    await node.mine(1);
    // Unconfirmed, and the largest: spent only when the confirmed coins do not suffice.
    await node.send(newest, 0.9);
    // The users' wallet sees the payment a moment after the node accepted it.
    await waitFor(
      () => unspentAt(newest),
      (coins) => coins.length === 2,
      { what: 'the unconfirmed coin' },
    );
    const coin = async (address: string) => (await unspentAt(address)).map((c) => `${c.txid}:${c.vout}`);
    const [c02, c05, c005] = [await coin(oldest), await coin(middle), await coin(newest)];
    const c09 = (await coin(newest)).filter((c) => !c005.includes(c));
    const first = await placeMarket(userId, 'sell', 30_000_000, newest, [middle, oldest]);
    expect(first.status).toBe('filled');
    startWorker();
    const firstTx = await decode(await broadcastTxid(first.orderId));
    expect(outpoints(firstTx.vin)).toEqual(c05);
    // 0.3 BTC to the house, the change to the user's newest address.
    expect(await outputsOf(firstTx)).toEqual({ toHouse: [30_000_000], others: [newest] });

    // 0.6 BTC: the confirmed 0.2 and 0.05 do not cover it, then the largest unconfirmed does.
    const second = await placeMarket(userId, 'sell', 60_000_000, newest, [middle, oldest]);
    expect(second.status).toBe('filled');
    const secondTx = await decode(await broadcastTxid(second.orderId));
    expect(outpoints(secondTx.vin)).toEqual([...c02, ...c005, ...c09].sort());
  });

  it('rejects a sell the user cannot fund, saying how much is spendable at their addresses only', async () => {
    const poor = await walletUser('poor', 0.2);
    // Plenty under the same label, at an address that is not the user's in forkline.
    await labelledAddress(poor.userId, 1);
    const order = await placeMarket(poor.userId, 'sell', 50_000_000, poor.address);
    expect(order.status).toBe('rejected');
    expect(order.rejectReason).toBe(
      'insufficient funds: 0.20000000 BTC spendable, 0.50000000 BTC + 0.00010000 BTC fee margin needed',
    );
    expect(await selectSettlement(h.db.pool, order.orderId)).toBeUndefined();
    // A second sell counts the first one's coins as promised until it is broadcast.
    const first = await placeMarket(poor.userId, 'sell', 15_000_000, poor.address);
    expect(first.status).toBe('filled');
    const second = await placeMarket(poor.userId, 'sell', 15_000_000, poor.address);
    expect(second.status).toBe('rejected');
    expect(second.rejectReason).toMatch(/0\.15010000 BTC more held for earlier sells/);
    startWorker();
    await broadcastTxid(first.orderId);
  });

  it('pays once when the worker stopped between recording the signed transaction and broadcasting it', async () => {
    const buyer = await walletUser('crash-signed');
    const order = await placeMarket(buyer.userId, 'buy', 5_000_000, buyer.address);
    // The first worker's step: signed and recorded, then the process is gone.
    const signed = await signSettlement(
      h.db.pool,
      wallets,
      (await selectSettlement(h.db.pool, order.orderId))!,
    );
    expect(await selectSettlement(h.db.pool, order.orderId)).toMatchObject({
      state: 'signed',
      txid: signed.txid,
    });
    await expect(node.rpc.call('getmempoolentry', [signed.txid])).rejects.toThrow();
    expect(await housePaymentsTo(buyer.address)).toEqual([]);

    startWorker();
    expect(await broadcastTxid(order.orderId)).toBe(signed.txid);
    await node.expectInMempool(signed.txid, HOUSE);
    expect((await housePaymentsTo(buyer.address)).map((t) => t.txid)).toEqual([signed.txid]);
  });

  it('pays once when the worker stopped after broadcasting, before marking it broadcast', async () => {
    const buyer = await walletUser('crash-sent');
    const order = await placeMarket(buyer.userId, 'buy', 6_000_000, buyer.address);
    const signed = await signSettlement(
      h.db.pool,
      wallets,
      (await selectSettlement(h.db.pool, order.orderId))!,
    );
    await wallets.broadcast(signed);
    // Mined even: the node answers "already in the chain", which counts as sent.
    await node.mine(1);

    startWorker();
    expect(await broadcastTxid(order.orderId)).toBe(signed.txid);
    expect((await housePaymentsTo(buyer.address)).map((t) => t.txid)).toEqual([signed.txid]);
    expect((await h.orderEvents(order.orderId)).filter((e) => e.type === 'SettlementBroadcast')).toHaveLength(
      1,
    );
  });

  it('builds no other buy while a signed buy cannot be sent: they could pick the same house coins', async () => {
    const buyer = await walletUser('blocked');
    const first = await placeMarket(buyer.userId, 'buy', 4_000_000, buyer.address);
    const signed = await signSettlement(
      h.db.pool,
      wallets,
      (await selectSettlement(h.db.pool, first.orderId))!,
    );
    const second = await placeMarket(buyer.userId, 'buy', 3_000_000, buyer.address);
    const nodeDown = startWorker({
      ...wallets,
      broadcast: () => Promise.reject(new Error('node unreachable')),
    });
    await waitFor(
      () => nodeDown.status().failedAttempts,
      (n) => n >= 2,
      { what: 'failed broadcasts' },
    );
    expect(nodeDown.status().lastError).toMatchObject({ orderId: first.orderId, step: 'broadcast' });
    expect(await selectSettlement(h.db.pool, second.orderId)).toMatchObject({
      state: 'decided',
      attempts: 0,
    });
    await nodeDown.close();

    startWorker();
    expect(await broadcastTxid(first.orderId)).toBe(signed.txid);
    const secondTxid = await broadcastTxid(second.orderId);
    expect((await housePaymentsTo(buyer.address)).map((t) => t.txid).sort()).toEqual(
      [signed.txid, secondTxid].sort(),
    );
  });

  it('retries a failing settlement with backoff, visible in /status, until it goes through', async () => {
    const buyer = await walletUser('retry');
    const order = await placeMarket(buyer.userId, 'buy', 7_000_000, buyer.address);
    const broken = createNodeWallets({
      rpc: node.rpc,
      houseWallet: 'forkline-no-such-wallet',
      usersWallet: USERS,
      feeRateSatVb: 2,
      sellFeeMarginSats: h.settings.sellFeeMarginSats,
    });
    // Only building fails: the broadcast settlements are still checked through the real wallets.
    const failing = startWorker({ ...broken, txStatus: (payer, txid) => wallets.txStatus(payer, txid) });
    await waitFor(
      () => selectSettlementBacklog(h.db.pool),
      (b) => b.failing === 1,
      { what: 'the failure to be recorded' },
    );
    await waitFor(
      () => failing.status().failedAttempts,
      (n) => n >= 2,
      { what: 'a retry' },
    );
    const status = await h.call('GET', '/status', undefined, { token: null });
    expect(status.json).toMatchObject({
      settlements: {
        pending: 1,
        failing: 1,
        lastError: {
          orderId: order.orderId,
          message: expect.stringMatching(/^sign: bitcoind send: Requested wallet does not exist/) as string,
        },
      },
    });
    expect(failing.status().lastError).toMatchObject({ orderId: order.orderId, step: 'sign' });
    await failing.close();

    startWorker();
    const txid = await broadcastTxid(order.orderId);
    expect((await housePaymentsTo(buyer.address)).map((t) => t.txid)).toEqual([txid]);
    expect(await selectSettlementBacklog(h.db.pool)).toMatchObject({ pending: 0, failing: 0 });
  });
  it('settles no sell placed before orders carried the addresses: rejected when crossed, or not signed', async () => {
    const seller = await walletUser('legacy', 0.5);
    const open = await h.call('POST', '/orders', {
      userId: seller.userId,
      side: 'sell',
      amountSats: 1_000_000,
      limitPriceEurCents: 9_000_000,
      receiveAddress: seller.address,
      spendAddresses: [seller.address],
    });
    expect(open.json.status).toBe('open');
    const filled = await placeMarket(seller.userId, 'sell', 2_000_000, seller.address);
    expect(filled.status).toBe('filled');
    // As the migration that added the addresses left the orders placed before it.
    const ids = [open.json.orderId as string, filled.orderId];
    await h.db.pool.query(`UPDATE orders SET spend_addresses = '{}' WHERE order_id = ANY($1::uuid[])`, [ids]);

    expect((await h.call('PUT', '/price', { eurPerBtc: 90000 })).status).toBe(200);
    expect((await h.call('GET', `/orders/${ids[0]!}`)).json).toMatchObject({
      status: 'rejected',
      rejectReason: expect.stringMatching(/^placed before orders carried the user's addresses/) as string,
    });
    await expect(
      signSettlement(h.db.pool, wallets, (await selectSettlement(h.db.pool, filled.orderId))!),
    ).rejects.toThrow(/was placed before orders carried the user's addresses, so its coins are unknown/);
    expect(await selectSettlement(h.db.pool, filled.orderId)).toMatchObject({ state: 'decided' });
    expect(await unspentAt(seller.address)).toHaveLength(1);

    // Given its addresses (what an operator could do), it settles as any other.
    await h.db.pool.query(`UPDATE orders SET spend_addresses = $2 WHERE order_id = $1`, [
      filled.orderId,
      [seller.address],
    ]);
    startWorker();
    await broadcastTxid(filled.orderId);
    expect((await h.call('PUT', '/price', { eurPerBtc: 60000 })).status).toBe(200);
  });
  it('sends a broadcast buy again, with the same bytes, when the node lost it; the house pays once', async () => {
    // Everything earlier confirmed: what the restart loses is this buy only.
    await node.mine(1);
    const buyer = await walletUser('lost');
    const order = await placeMarket(buyer.userId, 'buy', 8_000_000, buyer.address);
    const first = startWorker();
    const txid = await broadcastTxid(order.orderId);
    await node.expectInMempool(txid, HOUSE);
    await first.close();

    // A node restarted without its mempool: the transaction is gone, the wallet abandoned it.
    await node.restartWithEmptyMempool();
    await node.ensureWallet(HOUSE);
    await node.ensureWallet(USERS);
    expect(await inMempool(txid)).toBe(false);

    const worker = startWorker();
    // The node has it as soon as it is sent; the worker counts it once the call returns.
    await waitFor(() => inMempool(txid), Boolean, { what: `${txid} to be sent again` });
    await waitFor(
      () => Promise.resolve(worker.status()),
      (s) => s.resentTotal === 1,
      { what: 'the worker to count the resend' },
    );
    expect(worker.status()).toMatchObject({ resentTotal: 1, lastError: null });
    await node.mine(1);
    const { confirmations } = await house<{ confirmations: number }>('gettransaction', [txid]);
    expect(confirmations).toBe(1);
    expect((await housePaymentsTo(buyer.address)).map((t) => t.txid)).toEqual([txid]);
    expect((await h.orderEvents(order.orderId)).filter((e) => e.type === 'SettlementBroadcast')).toHaveLength(
      1,
    );

    // The house's coins are not held by the vanished spend: a later buy settles.
    const later = await placeMarket(buyer.userId, 'buy', 9_000_000, buyer.address);
    const laterTxid = await broadcastTxid(later.orderId);
    await node.expectInMempool(laterTxid, HOUSE);
    expect((await housePaymentsTo(buyer.address)).map((t) => t.txid).sort()).toEqual(
      [txid, laterTxid].sort(),
    );
    expect(await selectSettlementBacklog(h.db.pool)).toMatchObject({ pending: 0, failing: 0, conflicted: 0 });
  });

  it('stops checking a settlement once it is buried under the configured confirmations', async () => {
    const buyer = await walletUser('buried');
    const order = await placeMarket(buyer.userId, 'buy', 2_000_000, buyer.address);
    const worker = startWorker(wallets, 2);
    const txid = await broadcastTxid(order.orderId);
    await node.expectInMempool(txid, HOUSE);
    await waitFor(
      () => worker.status().checksTotal,
      (n) => n >= 2,
      { what: 'the broadcast settlement to be checked' },
    );
    await node.mine(1);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect((await watchColumns(order.orderId)).buriedAt).toBeNull();
    await node.mine(1);
    await waitFor(
      () => watchColumns(order.orderId),
      (c) => c.buriedAt !== null,
      { what: 'the settlement to be recorded buried' },
    );
    // Every settlement here has two confirmations now: nothing is left to check.
    await waitFor(
      () => selectSettlementBacklog(h.db.pool),
      (b) => b.unburied === 0,
      { what: 'every settlement buried' },
    );
    const checks = worker.status().checksTotal;
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(worker.status().checksTotal).toBe(checks);
    expect(worker.status().resentTotal).toBe(0);
  });

  it('reports a settlement double-spent by a confirmed transaction, and sends it no more', async () => {
    const seller = await walletUser('conflicted', 0.5);
    await node.mine(1);
    const order = await placeMarket(seller.userId, 'sell', 10_000_000, seller.address);
    const first = startWorker(wallets, 1);
    const txid = await broadcastTxid(order.orderId);
    await node.expectInMempool(txid, USERS);
    await first.close();

    // The user's coin spent elsewhere (replacing the settlement in the mempool), then mined.
    const [coin] = (await decode(txid)).vin;
    const { value } = await node.rpc
      .call<DecodedTx>('getrawtransaction', [coin!.txid, true])
      .then((t) => t.vout[coin!.vout]!);
    const elsewhere = await labelledAddress(seller.userId);
    const raw = await node.rpc.call<string>('createrawtransaction', [
      [{ txid: coin!.txid, vout: coin!.vout }],
      { [elsewhere]: (btcToSats(value) - 100_000) / 1e8 },
    ]);
    const { hex } = await users<{ hex: string }>('signrawtransactionwithwallet', [raw]);
    const conflictTxid = await node.rpc.call<string>('sendrawtransaction', [hex]);
    await node.mine(1);
    expect(await inMempool(txid)).toBe(false);

    // Every other settlement here is buried at one confirmation: only this one is checked.
    const worker = startWorker(wallets, 1);
    await waitFor(
      () => watchColumns(order.orderId),
      (c) => c.conflict !== null,
      { what: 'the conflict to be recorded' },
    );
    expect((await watchColumns(order.orderId)).conflict).toContain(conflictTxid);
    const backlog = await selectSettlementBacklog(h.db.pool);
    expect(backlog).toMatchObject({ conflicted: 1, lastConflict: { orderId: order.orderId, txid } });
    const status = await h.call('GET', '/status', undefined, { token: null });
    expect(status.json).toMatchObject({
      settlements: { conflicted: 1, lastConflict: { orderId: order.orderId } },
    });
    const checks = worker.status().checksTotal;
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(worker.status()).toMatchObject({ resentTotal: 0, conflictedTotal: 1, checksTotal: checks });
    expect(await inMempool(txid)).toBe(false);
  });
});
