import { Publisher, Subscriber } from 'zeromq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectedPending } from '#shared/testing/expectedPending.js';
import { freePort } from '#shared/testing/freePort.js';
import { seededRandom } from '#shared/testing/seededRandom.js';
import { waitFor } from '#shared/testing/waitFor.js';
import { createHarness, type Harness } from './testing/crawlerHarness.js';
import { userEvents } from './testing/userEvents.js';
import { spend, utxosOf, withCoinsLocked } from './testing/walletTxs.js';

const SEED = Number(process.env.MEMPOOL_SEED ?? 20261201);
const STEPS = Number(process.env.MEMPOOL_STEPS ?? 14);

/**
 * The crawler behind a ZMQ relay that loses a quarter of the messages and repeats some,
 * while payments, fee bumps, full-RBF replacements, blocks and reorgs happen in a seeded
 * order: after every step its pending transactions equal what the node's mempool says,
 * and every user's stream tells each transaction's life in an order the node could have.
 */
describe(`crawler: the mempool with lossy ZMQ (seed ${SEED})`, () => {
  let h: Harness;
  let relay: { endpoint: string; close(): Promise<void> };
  const random = seededRandom(SEED);
  const users = ['ann', 'ben'];
  const owners: Record<string, string> = {};
  /** Node-wallet payments still in the mempool: those the wallet can bump or replace. */
  let open: string[] = [];

  beforeAll(async () => {
    h = await createHarness('crawler_mempool_lossy');
    await h.node.mine(1);
    relay = await lossyRelay(h.stack.BITCOIND_ZMQ_SEQUENCE, seededRandom(SEED + 1));
    for (const user of users) for (const a of await h.newUser(user, ['bech32', 'bech32m'])) owners[a] = user;
    await h.startCrawler({ mempoolSource: true, zmqEndpoint: relay.endpoint, mempoolResyncMs: 3_000 });
    // History below any reorg of the walk: the crawler holds blocks from its start height.
    await h.node.mine(2);
    await h.waitSynced();
  });
  afterAll(async () => {
    await h?.close();
    await relay?.close();
  });

  it('agrees with the node after every step', async () => {
    const log: string[] = [];
    for (let step = 1; step <= STEPS; step++) {
      log.push(`${step}: ${await randomStep()}`);
      const expected = await expectedPending(h.node, owners);
      await waitFor(pendingByUser, (ours) => JSON.stringify(ours) === JSON.stringify(summary(expected)), {
        what: `pending after ${log.join('; ')}: ${JSON.stringify(summary(expected))}`,
        timeoutMs: 20_000,
      });
    }
    for (const user of users) expectLawfulStory((await userEvents(h.db.online, user)).lines);
  });

  async function randomStep(): Promise<string> {
    const roll = random.next();
    const customers = Object.keys(owners);
    if (roll < 0.35 || open.length === 0) {
      const to = random.pick(customers);
      const txid = await withCoinsLocked(h.node, customers, () => h.node.send(to, random.int(1, 30) / 100));
      open.push(txid);
      return `pay ${owners[to]} ${txid.slice(0, 8)}`;
    }
    if (roll < 0.5) {
      const coins = (await utxosOf(h.node, customers)).filter((c) => c.confirmations > 0);
      if (coins.length === 0) return 'no confirmed coin to spend';
      const coin = random.pick(coins);
      const to = random.pick(customers);
      const txid = await spend(h.node, [coin], { [to]: coin.sats - 2_000 });
      return `${owners[coin.address]} pays ${owners[to]} ${txid.slice(0, 8)}`;
    }
    if (roll < 0.62) {
      const victim = open.splice(random.int(0, open.length - 1), 1)[0]!;
      const bumped = await h.node.bumpFee(victim);
      open.push(bumped);
      return `bump ${victim.slice(0, 8)} → ${bumped.slice(0, 8)}`;
    }
    if (roll < 0.72) {
      const victim = open.splice(random.int(0, open.length - 1), 1)[0]!;
      const replacement = await h.node.replaceTx(victim, await h.node.newAddress('bech32', 'outsider'));
      return `replace ${victim.slice(0, 8)} → ${replacement.slice(0, 8)}`;
    }
    if (roll < 0.9) {
      await h.node.mine(1);
      open = [];
      await h.waitSynced();
      return 'mine';
    }
    await h.node.reorg(1, { dropTxs: true });
    open = [];
    await h.waitSynced();
    return 'reorg 1, its transactions back to the mempool';
  }

  /** Our pending rows as {user: {sats, txids}}, in the oracle's shape. */
  async function pendingByUser() {
    const { rows } = await h.db.online.query<{ user_id: string; txid: string; delta_sats: number }>(
      'SELECT user_id, txid, delta_sats FROM mempool_txs ORDER BY txid',
    );
    const out: Record<string, { pendingSats: number; txids: string[] }> = {};
    for (const user of users) out[user] = { pendingSats: 0, txids: [] };
    for (const r of rows) {
      out[r.user_id]!.pendingSats += r.delta_sats;
      out[r.user_id]!.txids.push(r.txid);
    }
    return out;
  }
  function summary(expected: Awaited<ReturnType<typeof expectedPending>>) {
    return Object.fromEntries(users.map((u) => [u, expected.get(u)!]));
  }
});

/**
 * A (user, txid)'s life in its stream: pending → confirmed | dropped; confirmed →
 * reverted; reverted → pending | confirmed; a dropped one never comes back.
 */
function expectLawfulStory(lines: string[]): void {
  const state = new Map<string, string>();
  const allowed: Record<string, string[]> = {
    TxPending: ['none', 'reverted'],
    TxConfirmed: ['none', 'pending', 'reverted'],
    TxReverted: ['confirmed'],
    TxDropped: ['pending'],
  };
  for (const line of lines) {
    const [type, txid] = line.split(' ');
    if (!type || !txid || !(type in allowed)) continue;
    const from = state.get(txid) ?? 'none';
    expect(allowed[type], `${line} after ${from}\n${lines.join('\n')}`).toContain(from);
    state.set(
      txid,
      { TxPending: 'pending', TxConfirmed: 'confirmed', TxReverted: 'reverted', TxDropped: 'dropped' }[type]!,
    );
  }
}

/** Relays the node's ZMQ messages, losing a quarter of them and sending some twice. */
async function lossyRelay(source: string, random: ReturnType<typeof seededRandom>) {
  const port = await freePort();
  const endpoint = `tcp://127.0.0.1:${port}`;
  const sub = new Subscriber();
  sub.connect(source);
  sub.subscribe('sequence', 'hashblock');
  const pub = new Publisher();
  await pub.bind(endpoint);
  const running = (async () => {
    for await (const message of sub) {
      const roll = random.next();
      if (roll < 0.25) continue;
      await pub.send(message);
      if (roll > 0.9) await pub.send(message);
    }
  })().catch(() => undefined);
  return {
    endpoint,
    async close() {
      sub.close();
      pub.close();
      await running;
    },
  };
}
