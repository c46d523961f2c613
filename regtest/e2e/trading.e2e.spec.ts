import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { btcToSats } from '#shared/bitcoin/btcSats.js';
import { waitFor } from '#shared/testing/waitFor.js';
import { HttpError, type Activity, type Order } from '../src/scenario/bffClient.js';
import { regtestFromStack, startForkline, type ForklineInstance } from '../src/scenario/forklineInstance.js';
import { fundHouse, HOUSE_WALLET } from '../src/scenario/houseWallet.js';
import { expectMatchesNode } from '../src/scenario/oracleCheck.js';
import { createWalletUsers, type WalletUsers } from '../src/scenario/walletUsers.js';

const BTC = 100_000_000;

/**
 * Trading end to end, every process as `forkline run` starts it (trading and its relay
 * included): orders through the BFF, settled on the regtest chain, joined with the chain's
 * events into one activity list. After each step bitcoind is the oracle for every balance,
 * and every settlement transaction shows exactly once, inside its order's row.
 */
describe('forkline end to end: trading', () => {
  const node = regtestFromStack();
  let forkline: ForklineInstance;
  let users: WalletUsers;
  /** Every order placed here, by id: the settlement check walks them all. */
  const placed = new Map<string, Order>();

  beforeAll(async () => {
    await node.ensureFunds(20);
    await fundHouse(node, 10);
    forkline = await startForkline('trading', (await node.height()) - 5);
    users = createWalletUsers(node, forkline.bff);
    for (const id of ['buyer', 'seller', 'broke']) await users.register(id, ['bech32']);
    await node.send(users.addressesOf('seller')[0]!, 2);
    await node.mine(1);
    await forkline.bff.setPrice(60_000);
  }, 180_000);

  afterAll(async () => {
    await forkline?.stop();
  });

  const place = async (
    userId: string,
    order: { side: 'buy' | 'sell'; amountSats: number; limitPriceEurCents?: number },
  ) => {
    const answer = await forkline.bff.placeOrder(userId, order);
    placed.set(answer.orderId, answer);
    return answer;
  };

  /** The order once its settlement is in the node's mempool (the trading service may be restarting). */
  const broadcast = (userId: string, orderId: string) =>
    waitFor(
      async () => {
        try {
          return await forkline.bff.order(userId, orderId);
        } catch (err) {
          // 503 while the trading service restarts: ask again.
          if (err instanceof HttpError) return undefined;
          throw err;
        }
      },
      (o) => o?.settlement?.state === 'broadcast' && o.settlement.txid !== null,
      { timeoutMs: 60_000, what: `order ${orderId}'s settlement to be broadcast` },
    ).then((o) => o!);

  const activityOf = async (userId: string, orderId: string): Promise<Activity> => {
    const rows = (await forkline.bff.allActivities(userId)).filter((a) => a.orderId === orderId);
    expect(rows, `${userId}'s rows of order ${orderId}`).toHaveLength(1);
    return rows[0]!;
  };

  /** The activity once the read side shows what `done` asks of it. */
  const activityWhen = (userId: string, orderId: string, done: (a: Activity) => boolean, what: string) =>
    waitFor(() => activityOf(userId, orderId), done, { timeoutMs: 60_000, what: `${orderId}: ${what}` });

  /**
   * bitcoind agrees with every balance; every settlement txid is in exactly one row of all
   * users' activities, its order's, and never a row of its own.
   */
  async function check(): Promise<void> {
    try {
      await expectMatchesNode(node, forkline.bff, users);
    } catch (err) {
      throw new Error(`${(err as Error).message}\n--- recent output ---\n${forkline.recentLogs()}`);
    }
    const rows = (
      await Promise.all([...users.users.keys()].map((id) => forkline.bff.allActivities(id)))
    ).flat();
    for (const order of placed.values()) {
      const current = await forkline.bff.order(order.userId, order.orderId);
      const txid = current.settlement?.txid;
      if (!txid) continue;
      const showing = rows.filter((a) => a.txid === txid || a.settlement?.txid === txid);
      expect(
        showing.map((a) => [a.orderId, a.type]),
        `settlement ${txid}`,
      ).toEqual([[order.orderId, order.side]]);
    }
  }

  it('a market buy fills at the house price and the house pays it on chain', async () => {
    const order = await place('buyer', { side: 'buy', amountSats: 0.1 * BTC });
    expect(order).toMatchObject({ status: 'filled', priceEurCents: 6_000_000, eurCents: 600_000 });
    const { settlement } = await broadcast('buyer', order.orderId);
    const paid = await node.rpc.call<{ amount: number; details: { address: string }[] }>(
      'gettransaction',
      [settlement!.txid],
      { wallet: HOUSE_WALLET },
    );
    expect(paid.amount).toBe(-0.1);
    expect(paid.details.map((d) => d.address)).toContain(users.addressesOf('buyer')[0]);
    await activityWhen(
      'buyer',
      order.orderId,
      (a) => a.settlement?.status === 'pending',
      'settlement pending',
    );
    await node.mine(1);
    await check();
    expect(await activityOf('buyer', order.orderId)).toMatchObject({
      type: 'buy',
      status: 'confirmed',
      amountSats: 0.1 * BTC,
      priceEurCents: 6_000_000,
      eurCents: 600_000,
      settlement: { txid: settlement!.txid, status: 'confirmed', confirmations: 1, deltaSats: 0.1 * BTC },
    });
  });

  it('a limit buy waits as a Bid until the price crosses it, and fills at that price (rounded up)', async () => {
    const order = await place('buyer', {
      side: 'buy',
      amountSats: 0.05 * BTC,
      limitPriceEurCents: 5_500_000,
    });
    expect(order.status).toBe('open');
    await activityWhen('buyer', order.orderId, (a) => a.type === 'bid' && a.status === 'open', 'an open Bid');
    await forkline.bff.setPrice(56_000);
    expect((await forkline.bff.order('buyer', order.orderId)).status).toBe('open');
    await forkline.bff.setPrice(54_999.99);
    // 0.05 BTC × €54,999.99 = €2,749.9995: a buy rounds up.
    expect(await forkline.bff.order('buyer', order.orderId)).toMatchObject({
      status: 'filled',
      priceEurCents: 5_499_999,
      eurCents: 275_000,
    });
    await broadcast('buyer', order.orderId);
    await node.mine(1);
    await check();
    expect(await activityOf('buyer', order.orderId)).toMatchObject({ type: 'buy', status: 'confirmed' });
  });

  it('a sell pays a house address from the seller’s coins, fee included in the seller’s change', async () => {
    const order = await place('seller', { side: 'sell', amountSats: 0.5 * BTC });
    expect(order).toMatchObject({ status: 'filled', priceEurCents: 5_499_999 });
    const { settlement } = await broadcast('seller', order.orderId);
    await node.mine(1);
    await check();
    const row = await activityOf('seller', order.orderId);
    expect(row).toMatchObject({ type: 'sell', status: 'confirmed', amountSats: -0.5 * BTC });
    expect(row.settlement).toMatchObject({ txid: settlement!.txid, status: 'confirmed' });
    expect(row.settlement!.deltaSats!).toBeLessThan(-0.5 * BTC);
    expect(row.settlement!.deltaSats!).toBeGreaterThan(-0.5 * BTC - 100_000);
    const balance = await forkline.bff.balance('seller');
    expect(balance.confirmedSats).toBe(btcToSats(2) + row.settlement!.deltaSats!);
  });

  it('a sell the user cannot fund is rejected with the reason; it stays an Ask', async () => {
    const order = await place('broke', { side: 'sell', amountSats: 0.3 * BTC });
    expect(order.status).toBe('rejected');
    expect(order.rejectReason).toMatch(/insufficient funds/);
    const row = await activityWhen('broke', order.orderId, (a) => a.status === 'rejected', 'rejected');
    expect(row).toMatchObject({ type: 'ask', rejectReason: order.rejectReason, settlement: null });
  });

  it('an open order is cancelled once; a second cancel is refused', async () => {
    const order = await place('seller', {
      side: 'sell',
      amountSats: 0.01 * BTC,
      limitPriceEurCents: 100_000_000,
    });
    expect(order.status).toBe('open');
    expect((await forkline.bff.cancelOrder('seller', order.orderId)).status).toBe('cancelled');
    const again = await forkline.bff.cancelOrder('seller', order.orderId).catch((err: unknown) => err);
    expect(again).toBeInstanceOf(HttpError);
    expect((again as HttpError).status).toBe(409);
    expect((again as HttpError).body).toMatchObject({ code: 'ORDER_NOT_OPEN' });
    await activityWhen(
      'seller',
      order.orderId,
      (a) => a.type === 'ask' && a.status === 'cancelled',
      'cancelled',
    );
  });

  it('a reorg takes the settlement out of its block; it is pending again, then confirms again', async () => {
    const order = await place('buyer', { side: 'buy', amountSats: 0.01 * BTC });
    const { settlement } = await broadcast('buyer', order.orderId);
    await node.mine(1);
    await check();
    await node.reorg(1, { dropTxs: true });
    await check();
    expect((await activityOf('buyer', order.orderId)).settlement).toMatchObject({
      txid: settlement!.txid,
      status: 'pending',
    });
    await node.mine(1);
    await check();
    expect((await activityOf('buyer', order.orderId)).settlement).toMatchObject({
      txid: settlement!.txid,
      status: 'confirmed',
      confirmations: 1,
    });
  });

  it('the trading service SIGKILLed right after a fill: the buy is paid exactly once', async () => {
    const amount = 0.0123;
    const order = await place('buyer', { side: 'buy', amountSats: btcToSats(amount) });
    expect(order.status).toBe('filled');
    process.kill(forkline.supervisor.pid('trading')!, 'SIGKILL');
    const { settlement } = await broadcast('buyer', order.orderId);
    await node.mine(1);
    await check();
    const sends = await node.rpc.call<{ category: string; address?: string; amount: number; txid: string }[]>(
      'listtransactions',
      ['*', 1000],
      { wallet: HOUSE_WALLET },
    );
    const payments = sends.filter(
      (t) => t.category === 'send' && t.address === users.addressesOf('buyer')[0] && t.amount === -amount,
    );
    expect(payments.map((t) => t.txid)).toEqual([settlement!.txid]);
  });

  it('the trading relay SIGKILLed: the orders’ events still arrive, each once', async () => {
    process.kill(forkline.supervisor.pid('trading-relay')!, 'SIGKILL');
    const bid = await place('buyer', { side: 'buy', amountSats: 0.02 * BTC, limitPriceEurCents: 1_000_000 });
    const sold = await place('seller', { side: 'sell', amountSats: 0.03 * BTC });
    await forkline.bff.cancelOrder('buyer', bid.orderId);
    await broadcast('seller', sold.orderId);
    await activityWhen(
      'buyer',
      bid.orderId,
      (a) => a.status === 'cancelled',
      'cancelled after the relay restarts',
    );
    await node.mine(1);
    await check();
    expect(await activityOf('seller', sold.orderId)).toMatchObject({ type: 'sell', status: 'confirmed' });
  });
});
