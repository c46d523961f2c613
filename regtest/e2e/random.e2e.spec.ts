import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { btcToSats } from '#shared/bitcoin/btcSats.js';
import { seededRandom } from '#shared/testing/seededRandom.js';
import { repoRoot, runDir } from '#shared/testing/stackEnv.js';
import { waitFor } from '#shared/testing/waitFor.js';
import { HttpError, type Order } from '../src/scenario/bffClient.js';
import { regtestFromStack, startForkline, type ForklineInstance } from '../src/scenario/forklineInstance.js';
import { fundHouse } from '../src/scenario/houseWallet.js';
import { expectMatchesNode } from '../src/scenario/oracleCheck.js';
import {
  createWalkOrders,
  crosses,
  expectedEurCents,
  SELL_FEE_MARGIN_SATS,
  type WalkOrders,
} from '../src/scenario/walkOrders.js';
import { createWalletUsers, type WalletUsers } from '../src/scenario/walletUsers.js';

// E2E_RANDOM_STEPS=200 E2E_SEED=7 npx vitest run regtest/e2e/random for a larger run;
// E2E_CHAOS=1 for the chaos walk (server restarts too, 100 steps unless told otherwise).
const CHAOS = process.env.E2E_CHAOS === '1';
const STEPS = Number(process.env.E2E_RANDOM_STEPS ?? (CHAOS ? 100 : 30));
const SEED = Number(process.env.E2E_SEED ?? 20261128);
const KILLABLE = ['crawler', 'relay', 'projector', 'trading', 'trading-relay', ...(CHAOS ? ['bff'] : [])];
const exec = promisify(execFile);

/**
 * A seeded random walk. Chain steps: sends among users and to outsiders (mined or left
 * pending), fee bumps and full-RBF replacements of pending payments, mining, reorgs up to
 * depth 10 (re-mined, dropped, double-spent; a settlement in a disconnected block goes
 * back to pending or is reverted, then confirms again once re-mined), and SIGKILLs of
 * crawler, relay, projector, trading (at times right after a fill, before its settlement
 * is sent) and trading-relay; with E2E_CHAOS=1 the BFF too, and PostgreSQL restarts (fast
 * and immediate shutdowns) and Kafka broker SIGKILLs under the running processes. Trading steps: house price moves within ±10% (filling the
 * limit orders they cross), market buys and sells of 0.001–0.2 BTC (now and then a sell
 * beyond the user's coins, which must be rejected with its reason), limit orders on
 * either side of the price, and cancels of open orders (a filled one answers 409
 * ORDER_NOT_OPEN). After each step, once every filled order's settlement is broadcast,
 * the BFF must agree with bitcoind: confirmed balances with the UTXO set, pending figures
 * and activities with the mempool; every order shows once in its user's activities
 * (bid/ask, or buy/sell with its settlement in the node's status), every settlement only
 * inside its order's row, and the house wallet paid no buy twice.
 */
describe(`forkline end to end: a seeded random scenario (seed ${SEED}, ${STEPS} steps)`, () => {
  const node = regtestFromStack();
  const random = seededRandom(SEED);
  let forkline: ForklineInstance;
  let users: WalletUsers;
  let orders: WalkOrders;
  // The users' wallet labels addresses by user id, and the trading service signs a sell
  // from every address of that label: ids of this run only.
  const run = randomBytes(3).toString('hex');
  const userIds = ['u1', 'u2', 'u3', 'u4'].map((u) => `walk-${run}-${u}`);
  /** Payments of the node's wallet that may still be pending: bumped or replaced at random. */
  let open: string[] = [];
  let priceEurCents = 5_000_000;
  /** Order amounts in use: a buy is told apart in the house wallet by its user and amount. */
  const amounts = new Set<number>();
  /** Settlements a reorg took out of the main chain, until the node confirms them again. */
  const outOfChain = new Set<string>();

  beforeAll(async () => {
    await node.ensureFunds(50);
    forkline = await startForkline('random', (await node.height()) - 25);
    users = createWalletUsers(node, forkline.bff);
    orders = createWalkOrders(node, forkline.bff, users);
    const types = ['bech32', 'legacy', 'p2sh-segwit', 'bech32m'] as const;
    for (const [i, id] of userIds.entries()) await users.register(id, [types[i % 4]!, types[(i + 1) % 4]!]);
    for (const id of userIds) await node.send(random.pick(users.addressesOf(id)), 1 + random.int(0, 3));
    await fundHouse(node, 20);
    // Deeper than any reorg of the walk: the starting coins never leave the chain.
    await node.mine(11);
    await forkline.bff.setPrice(priceEurCents / 100);
  }, 180_000);

  afterAll(async () => {
    await forkline?.stop();
  });

  it(
    'agrees with the node after every step',
    async () => {
      const log: string[] = [];
      for (let step = 1; step <= STEPS; step++) {
        try {
          log.push(`${step}: ${await randomStep()}`);
          await orders.awaitSettlements(60_000);
          await expectMatchesNode(node, forkline.bff, users, 90_000);
          await orders.expectActivities(60_000);
          await orders.expectHousePaidOnce();
          for (const txid of outOfChain) {
            if ((await orders.chainPlace(txid)) !== 'confirmed') continue;
            outOfChain.delete(txid);
            log.push(`${step}: settlement ${txid.slice(0, 8)} confirmed again (its order's row too)`);
          }
        } catch (err) {
          throw new Error(
            `at step ${step} (seed ${SEED}): ${(err as Error).message}\nsteps:\n${log.join('\n')}\n--- recent output ---\n${forkline.recentLogs()}`,
            { cause: err },
          );
        }
      }
      if (process.env.E2E_VERBOSE || CHAOS) console.log(log.join('\n'));
      // A step with its checks takes seconds; a server restart up to a minute.
    },
    Math.max(120_000, STEPS * (CHAOS ? 20_000 : 4_000)),
  );

  async function randomStep(): Promise<string> {
    const roll = random.next();
    if (roll < 0.1) return priceMove();
    if (roll < 0.2) return marketOrder(random.pick(userIds), random.pick(['buy', 'sell'] as const));
    if (roll < 0.32) return limitOrder();
    if (roll < 0.36) return cancelOrder();
    if (roll < 0.58) {
      const from = random.pick(userIds);
      const to =
        random.next() < 0.7 ? random.pick(users.addressesOf(random.pick(userIds))) : await node.newAddress();
      const txid = await users.pay(from, { [to]: random.int(1, 50) / 100 });
      await node.mine(random.int(0, 2));
      return `pay ${from} -> ${to.slice(0, 12)} ${txid ?? '(cannot afford)'}`;
    }
    if (roll < 0.68) {
      const to = random.pick(userIds);
      open.push(await node.send(random.pick(users.addressesOf(to)), random.int(1, 100) / 100));
      const blocks = random.int(0, 2);
      await node.mine(blocks);
      if (blocks > 0) open = [];
      return `fund ${to}${blocks === 0 ? ' (left pending)' : ''}`;
    }
    if (roll < 0.74 && open.length > 0) {
      const victim = open.splice(random.int(0, open.length - 1), 1)[0]!;
      const inMempool = await node.rpc.call('getmempoolentry', [victim]).then(
        () => true,
        () => false,
      );
      if (!inMempool) return `${victim.slice(0, 8)} no longer pending`;
      const bump = random.next() < 0.5;
      // bumpfee refuses a payment the mempool has descendants of (a user spent the coins):
      // full RBF replaces it, and them, instead.
      const descendants = await node.rpc.call<string[]>('getmempooldescendants', [victim]);
      if (bump && descendants.length === 0) {
        const bumped = await node.bumpFee(victim);
        open.push(bumped);
        return `bump ${victim.slice(0, 8)} → ${bumped.slice(0, 8)}`;
      }
      const replacement = await node.replaceTx(victim, await node.newAddress());
      return `replace ${victim.slice(0, 8)} → ${replacement.slice(0, 8)} paying an outsider (${descendants.length} descendants evicted)`;
    }
    if (roll < 0.87) {
      const depth = random.int(1, 10);
      const variant = random.pick(['remine', 'drop', 'double-spend'] as const);
      let doubleSpend: string | undefined;
      if (variant === 'double-spend') {
        const txid = await node.send(random.pick(users.addressesOf(random.pick(userIds))), 0.05);
        await node.mine(1);
        doubleSpend = txid;
      }
      const before = new Map<string, string>();
      for (const txid of orders.settlements().values()) {
        const { blockHash } = await orders.locate(txid);
        if (blockHash) before.set(txid, blockHash);
      }
      await node.reorg(depth, { dropTxs: variant === 'drop', ...(doubleSpend ? { doubleSpend } : {}) });
      open = [];
      const moved: string[] = [];
      for (const [txid, blockHash] of before) {
        const now = await orders.locate(txid);
        if (now.blockHash === blockHash) continue;
        moved.push(`${txid.slice(0, 8)} ${now.place === 'confirmed' ? 're-mined' : now.place}`);
        if (now.place !== 'confirmed') outOfChain.add(txid);
      }
      return `reorg depth ${depth} (${variant})${moved.length ? `; settlements out of their block: ${moved.join(', ')}` : ''}`;
    }

    if (CHAOS && random.next() < 0.4) return restartServer();
    const victim = random.pick(KILLABLE);
    // Killed right after a fill, the trading service may die between its decision and the
    // broadcast: its successor must settle the order exactly once.
    const fill =
      victim === 'trading' && random.next() < 0.5 ? await marketOrder(random.pick(userIds), 'buy') : '';
    const pid = forkline.supervisor.pid(victim);
    if (pid) process.kill(pid, 'SIGKILL');
    await node.mine(random.int(1, 2));
    return `${fill ? `${fill}, then ` : ''}SIGKILL ${victim}`;
  }

  /**
   * The chaos walk's server faults, under forkline's running processes: PostgreSQL
   * restarted with a fast or an immediate (crash) shutdown, or the Kafka broker SIGKILLed
   * and started again. Then a block, and the BFF must answer again.
   */
  async function restartServer(): Promise<string> {
    const fault = random.pick(['postgres fast', 'postgres immediate', 'kafka kill -9'] as const);
    const script = (name: string, args: string[]) =>
      exec(`${repoRoot}regtest/${name}.sh`, args, { cwd: repoRoot, timeout: 180_000 });
    if (fault === 'kafka kill -9') {
      const pid = Number(readFileSync(`${runDir}/kafka/kafka.pid`, 'utf8').trim());
      process.kill(pid, 'SIGKILL');
      await script('kafka', ['start']);
    } else {
      await script('postgres', ['restart', fault.split(' ')[1]!]);
    }
    await node.mine(random.int(0, 2));
    await waitFor(
      () => fetch(`${forkline.bffUrl}/readyz`).then((r) => r.status),
      (st) => st === 200,
      {
        timeoutMs: 120_000,
        what: 'the BFF ready again',
      },
    );
    await tradingUp();
    return `restart ${fault}`;
  }

  /** The trading service answers again (after a SIGKILL its successor takes a moment). */
  async function tradingUp(): Promise<void> {
    await waitFor(() => fetch(`${forkline.tradingUrl}/readyz`).then((r) => r.ok), Boolean, {
      timeoutMs: 60_000,
      intervalMs: 100,
      what: 'the trading service to be ready',
    });
  }

  /** A small order amount (0.001–0.2 BTC), unused by the walk's earlier orders. */
  function amountSats(): number {
    let sats = random.int(100_000, 20_000_000);
    while (amounts.has(sats)) sats++;
    amounts.add(sats);
    return sats;
  }

  async function spendableSats(userId: string): Promise<number> {
    return (await users.coins(userId)).reduce((s, c) => s + btcToSats(c.amount), 0);
  }

  /** A fill, or for a sell beyond the user's coins a rejection with its reason, as expected. */
  function expectFilledOrRejected(order: Order, spendable: number | undefined): void {
    const id = `${order.side} order ${order.orderId}`;
    if (
      order.side === 'sell' &&
      spendable !== undefined &&
      spendable < order.amountSats + SELL_FEE_MARGIN_SATS
    ) {
      if (order.status !== 'rejected' || !order.rejectReason?.startsWith('insufficient funds')) {
        throw new Error(
          `${id} of ${order.amountSats} sats (${spendable} spendable) is ${JSON.stringify(order)}, expected rejected`,
        );
      }
      return;
    }
    if (order.side === 'sell' && spendable === undefined && order.status === 'rejected') {
      if (!order.rejectReason?.startsWith('insufficient funds')) {
        throw new Error(`${id} is rejected without the reason: ${JSON.stringify(order)}`);
      }
      return;
    }
    const cents = expectedEurCents(order.side, order.amountSats, priceEurCents);
    if (order.status !== 'filled' || order.priceEurCents !== priceEurCents || order.eurCents !== cents) {
      throw new Error(
        `${id} is ${JSON.stringify(order)}, expected filled at ${priceEurCents} for ${cents} cents`,
      );
    }
  }

  async function priceMove(): Promise<string> {
    await tradingUp();
    const next = Math.max(1, Math.round(priceEurCents * (1 + random.int(-1000, 1000) / 10_000)));
    const before = orders.open();
    const answer = await forkline.bff.setPrice(next / 100);
    if (answer.priceEurCents !== next)
      throw new Error(`PUT /v1/price ${next / 100} answered ${answer.priceEurCents}`);
    priceEurCents = next;
    let filled = 0;
    let rejected = 0;
    for (const o of before) {
      const now = orders.record(await forkline.bff.order(o.userId, o.orderId));
      if (!crosses(o, next)) {
        if (now.status !== 'open')
          throw new Error(`price ${next} does not cross ${JSON.stringify(o)}, now ${now.status}`);
        continue;
      }
      // Several sells of one user filled together hold each other's coins: only the
      // reason of a rejection is checked here.
      expectFilledOrRejected(now, undefined);
      if (now.status === 'filled') filled++;
      else rejected++;
    }
    return `price ${next / 100}: ${filled} filled, ${rejected} rejected, ${orders.open().length} open`;
  }

  async function marketOrder(userId: string, side: 'buy' | 'sell'): Promise<string> {
    await tradingUp();
    let sats = amountSats();
    const spendable = await spendableSats(userId);
    if (side === 'sell' && random.next() < 0.25) {
      // Beyond the user's coins: rejected with the reason.
      amounts.delete(sats);
      sats = Math.min(spendable + random.int(1, 50_000_000), 1_000_000_000);
      while (amounts.has(sats)) sats++;
      amounts.add(sats);
    }
    const order = orders.record(await forkline.bff.placeOrder(userId, { side, amountSats: sats }));
    expectFilledOrRejected(order, side === 'sell' ? spendable : undefined);
    return `market ${side} ${userId} ${sats} sats: ${order.status} ${order.orderId.slice(0, 8)}`;
  }

  async function limitOrder(): Promise<string> {
    await tradingUp();
    const userId = random.pick(userIds);
    const side = random.pick(['buy', 'sell'] as const);
    const sats = amountSats();
    const limit = Math.max(1, Math.round(priceEurCents * (1 + random.int(-500, 500) / 10_000)));
    const spendable = await spendableSats(userId);
    const order = orders.record(
      await forkline.bff.placeOrder(userId, { side, amountSats: sats, limitPriceEurCents: limit }),
    );
    if (crosses(order, priceEurCents)) expectFilledOrRejected(order, side === 'sell' ? spendable : undefined);
    else if (order.status !== 'open')
      throw new Error(`limit order ${JSON.stringify(order)} should be open at ${priceEurCents}`);
    return `limit ${side} ${userId} ${sats} sats at ${limit / 100}: ${order.status} ${order.orderId.slice(0, 8)}`;
  }

  async function cancelOrder(): Promise<string> {
    const candidates = random.next() < 0.8 ? orders.open() : [...orders.orders.values()];
    if (candidates.length === 0) return limitOrder();
    await tradingUp();
    const target = random.pick(candidates);
    try {
      const cancelled = orders.record(await forkline.bff.cancelOrder(target.userId, target.orderId));
      if (target.status !== 'open' || cancelled.status !== 'cancelled') {
        throw new Error(`cancelling ${JSON.stringify(target)} answered ${JSON.stringify(cancelled)}`);
      }
      return `cancel ${target.orderId.slice(0, 8)}`;
    } catch (err) {
      const code = err instanceof HttpError ? (err.body as { code?: string }).code : undefined;
      if (!(err instanceof HttpError && err.status === 409 && code === 'ORDER_NOT_OPEN')) throw err;
      const now = orders.record(await forkline.bff.order(target.userId, target.orderId));
      if (now.status === 'open') throw new Error(`cancelling open order ${target.orderId} answered 409`);
      return `cancel ${target.orderId.slice(0, 8)}: 409 ORDER_NOT_OPEN (${now.status})`;
    }
  }
});
