import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '#shared/testing/waitFor.js';
import type { Crawler } from './createCrawler.js';
import type { ChainSource } from './node/chainSource.js';
import { createBitcoindMempoolSource } from './node/mempoolSource.js';
import {
  addUser,
  createHarness,
  expectDenseVersions,
  expectNoDuplicateConfirmations,
  type Harness,
} from './testing/crawlerHarness.js';
import { userStream } from '#shared/events/streams.js';
import { spend, utxosOf, withCoinsLocked } from './testing/walletTxs.js';

/**
 * An address is matched in every block from the one after its registration on, whatever
 * the timing of the crawler's learning of it; one registered with its history gets the
 * stored chain rescanned for it, joined with live matching without a gap or a double —
 * with reorgs and failures in between. bitcoind (scantxoutset) is the oracle.
 */
describe('crawler: addresses join matching at a known height', () => {
  let h: Harness;

  /** Synced with the node, every registered address placed and every rescan ended. */
  async function settled() {
    await h.waitSynced(60_000);
    await waitFor(
      async () => {
        const { rows } = await h.db.online.query<{ n: number }>(
          `SELECT (SELECT count(*) FROM watched_addresses WHERE joined_height IS NULL)
                + (SELECT count(*) FROM crawler_rescans WHERE finished_at IS NULL) AS n`,
        );
        return Number(rows[0]!.n);
      },
      (n) => n === 0,
      { what: 'every address joined, every rescan ended', timeoutMs: 60_000 },
    );
    await h.waitSynced(60_000);
  }

  async function expectConsistent() {
    await h.expectOracle();
    await expectDenseVersions(h.db.online);
    await expectNoDuplicateConfirmations(h.db.online);
  }

  /** What the user's wallet transactions say, by txid: delta and height. */
  async function walletTxsOf(userId: string) {
    const { rows } = await h.db.online.query<{ txid: string; delta_sats: number; height: number }>(
      'SELECT txid, delta_sats, height FROM wallet_transactions WHERE user_id = $1 ORDER BY height, txid',
      [userId],
    );
    return rows.map((r) => ({ txid: r.txid, deltaSats: Number(r.delta_sats), height: r.height }));
  }

  /** Runs `body` beside a crawler started with `options`, then starts the plain one again. */
  async function withCrawler(
    options: Parameters<Harness['startCrawler']>[0],
    body: (crawler: Crawler) => Promise<void>,
  ): Promise<void> {
    await h.stopCrawler();
    const crawler = await h.startCrawler(options);
    try {
      await body(crawler);
    } finally {
      await h.stopCrawler();
      await h.startCrawler();
    }
  }

  /** forkline_crawler_mempool_changes_total of the running crawler, by outcome. */
  async function mempoolChanges(): Promise<Record<'pending' | 'restated' | 'dropped', number>> {
    const { values } = await h.metrics!.mempoolChanges.get();
    const of = (outcome: string) => values.find((v) => v.labels.outcome === outcome)?.value ?? 0;
    return { pending: of('pending'), restated: of('restated'), dropped: of('dropped') };
  }

  /** Every registered address: the node's wallet holds their keys too. */
  const customers = () => [...h.users.values()].flat();

  const heightOf = async (txid: string) =>
    (await h.node.walletCall<{ blockheight: number }>('gettransaction', [txid])).blockheight;

  beforeAll(async () => {
    h = await createHarness('crawler_joins');
    await h.startCrawler();
    await h.node.ensureFunds(5);
  });
  afterAll(async () => {
    await h?.close();
  });

  it('an address registered, then paid in the very next block, 200 times with no sleeps: every payment counted', async () => {
    const addresses: string[] = [];
    const paid: string[] = [];
    for (let i = 0; i < 200; i++) {
      const address = await h.node.newAddress(i % 2 ? 'bech32' : 'bech32m', 'racer');
      await addUser(h.db.online, 'racer', [address]);
      const txid = await h.node.send(address, 0.001);
      await h.node.mineBlockWith([txid]);
      addresses.push(address);
      paid.push(txid);
    }
    h.users.set('racer', addresses);
    await settled();
    await expectConsistent();
    const counted = new Set((await walletTxsOf('racer')).map((w) => w.txid));
    expect(paid.filter((t) => !counted.has(t))).toEqual([]);
  });

  it('places an address whose first lookup fails: retried, counted in /status meanwhile, nothing missed', async () => {
    await h.stopCrawler();
    // The crawler's pool fails its lookups of new addresses three times, as a connection killed.
    let failuresLeft = 3;
    const real = h.db.online;
    const failing = (text: unknown) =>
      typeof text === 'string' &&
      text.includes('joined_height IS NULL AND rescan_id IS NULL') &&
      failuresLeft-- > 0;
    const flaky = new Proxy(real, {
      get(target, prop, receiver) {
        if (prop !== 'connect') return Reflect.get(target, prop, receiver) as unknown;
        // pool.query connects with a callback: left alone (only transactions connect bare).
        return async (...args: unknown[]) => {
          if (args.length > 0) return (target.connect as (...a: unknown[]) => unknown)(...args);
          const client = await target.connect();
          return new Proxy(client, {
            get(c, p, r) {
              if (p !== 'query') return Reflect.get(c, p, r) as unknown;
              return (text: unknown, ...rest: unknown[]) =>
                failing(text)
                  ? Promise.reject(new Error('Connection terminated unexpectedly'))
                  : (c.query as (...a: unknown[]) => unknown).call(c, text, ...rest);
            },
          });
        };
      },
    });
    const crawler = await h.startCrawler({ pool: flaky });
    const seen: number[] = [];
    const watching = setInterval(() => seen.push(crawler.status().addressLoadsFailing), 20);
    try {
      const [address] = await h.newUser('flaky');
      const txid = await h.node.send(address!, 0.01);
      await h.node.mineBlockWith([txid]);
      await settled();
      expect(failuresLeft).toBeLessThan(0);
      expect(Math.max(...seen)).toBeGreaterThanOrEqual(1);
      expect(crawler.status().addressLoadsFailing).toBe(0);
      await expectConsistent();
    } finally {
      clearInterval(watching);
      await h.stopCrawler();
      await h.startCrawler();
    }
  });

  /**
   * Paid in blocks 0 and 10, one of those coins spent in block 14, registered at block 24
   * with its history from the crawler's first block: the balance, the wallet transactions
   * and their events are those live matching would have written.
   */
  async function historyScenario(userId: string) {
    const address = await h.node.newAddress('bech32', userId);
    // The node's wallet owns the address: it must not pay the next payment with its coins.
    const pay = (btc: number) => withCoinsLocked(h.node, [address], () => h.node.send(address, btc));
    const first = await pay(0.02);
    await h.node.mineBlockWith([first]);
    await h.node.mine(9);
    const second = await pay(0.03);
    await h.node.mineBlockWith([second]);
    await h.node.mine(3);
    const coin = (await utxosOf(h.node, [address])).find((u) => u.txid === first)!;
    const sink = await h.node.newAddress('bech32', 'sink');
    const spent = await spend(h.node, [coin], { [sink]: coin.sats - 3_000 });
    await h.node.mineBlockWith([spent]);
    await h.node.mine(10);
    await h.waitSynced();
    return { address, pay, first, second, spent, coin };
  }

  async function expectHistory(userId: string, s: Awaited<ReturnType<typeof historyScenario>>) {
    expect(await walletTxsOf(userId)).toEqual(
      [
        { txid: s.first, deltaSats: 2_000_000, height: await heightOf(s.first) },
        { txid: s.second, deltaSats: 3_000_000, height: await heightOf(s.second) },
        { txid: s.spent, deltaSats: -s.coin.sats, height: await heightOf(s.spent) },
      ].sort((a, b) => a.height - b.height || (a.txid < b.txid ? -1 : 1)),
    );
    // Its end is announced after the history, on the user's stream.
    const { rows } = await h.db.online.query<{ type: string }>(
      'SELECT type FROM outbox WHERE stream = $1 ORDER BY version',
      [userStream(userId)],
    );
    expect(rows.map((r) => r.type)).toEqual([
      'TxConfirmed',
      'TxConfirmed',
      'TxConfirmed',
      'AddressRescanned',
    ]);
  }

  it('counts the history of an address registered with a rescan from the first block', async () => {
    const s = await historyScenario('history');
    await addUser(h.db.online, 'history', [s.address], 0); // below the first block the crawler holds: from that one
    h.users.set('history', [s.address]);
    await settled();
    await expectConsistent();
    await expectHistory('history', s);
    expect(h.crawler!.status().rescans).toEqual([]);
  });

  it('the same with a reorg of depth 3 while the rescan runs', async () => {
    const s = await historyScenario('reorged');
    // The last payment is in the blocks the reorg replaces: mined again in another block.
    const late = await s.pay(0.04);
    await h.node.mineBlockWith([late]);
    await h.node.mine(1);
    await h.waitSynced();
    const tip = await h.node.height();
    // Fetching the top two blocks fails while they are ours, so the rescan stops below them.
    const gated = new Set([await h.node.rpc.getBlockHash(tip - 1), await h.node.rpc.getBlockHash(tip)]);
    const source: ChainSource = {
      ...h.source,
      rawBlock: (hash) =>
        gated.has(hash) ? Promise.reject(new Error(`block ${hash} held back`)) : h.source.rawBlock(hash),
    };
    await h.stopCrawler();
    const crawler = await h.startCrawler({ source, rescanChunkBlocks: 2 });
    await addUser(h.db.online, 'reorged', [s.address], h.startHeight);
    h.users.set('reorged', [s.address]);
    await waitFor(
      () => crawler.status(),
      (st) => st.rescanError?.includes('held back') === true && st.rescans.length === 1,
      { what: 'the rescan held back below the tip', timeoutMs: 60_000 },
    );
    expect(crawler.status().rescans[0]!.nextHeight).toBeGreaterThan(tip - 3);
    await h.node.reorg(3);
    await settled();
    await expectConsistent();
    const txs = await walletTxsOf('reorged');
    expect(txs.map((t) => t.txid)).toContain(late);
    expect(txs.find((t) => t.txid === late)!.height).toBe(await heightOf(late));
    await h.stopCrawler();
    await h.startCrawler();
  });

  it('a payment pending before its address joins shows as pending once it joins', async () => {
    await withCrawler({ mempoolSource: true }, async (crawler) => {
      await h.node.mine(1); // the mempool is followed from our first block on
      await h.waitSynced();
      const address = await h.node.newAddress('bech32', 'early');
      // Paid with no customer's coin: the payment touches nobody until the address joins.
      const txid = await withCoinsLocked(h.node, customers(), () => h.node.send(address, 0.015));
      // With its history: it joins only once a rescan reaches the tip.
      await addUser(h.db.online, 'early', [address], h.startHeight);
      h.users.set('early', [address]);
      await waitFor(
        async () =>
          (
            await h.db.online.query<{ type: string }>(
              `SELECT type FROM outbox WHERE stream = $1 AND payload->>'txid' = $2`,
              [userStream('early'), txid],
            )
          ).rows.map((r) => r.type),
        (types) => types.includes('TxPending'),
        { what: 'the pending payment recorded after the join', timeoutMs: 30_000 },
      );
      expect(crawler.status().rescans).toEqual([]);
      await h.node.mine(1);
      await settled();
      await expectConsistent();
    });
  });

  it('a payment pending for its payer is pending for each address that joins later, with the whole amounts', async () => {
    await withCrawler({ mempoolSource: true }, async () => {
      await h.node.mine(1);
      await h.waitSynced();
      const [payer] = await h.newUser('payer');
      // The payee, not registered yet, holds a coin of its own.
      const payee = await h.node.newAddress('bech32', 'payee');
      const locked = <T>(pay: () => Promise<T>) => withCoinsLocked(h.node, [...customers(), payee], pay);
      const funding = await locked(() => h.node.send(payer!, 0.05));
      const payeeFunding = await locked(() => h.node.send(payee, 0.01));
      await h.node.mineBlockWith([funding, payeeFunding]);
      await h.waitSynced();
      const coin = (await utxosOf(h.node, [payer!])).find((u) => u.txid === funding)!;
      const payeeCoin = (await utxosOf(h.node, [payee])).find((u) => u.txid === payeeFunding)!;
      // One payment, spending the payer's coin and the payee's, to the payee and to the
      // payer's own second address, neither registered yet: pending for the payer alone,
      // all of it paid to others.
      const payerSecond = await h.node.newAddress('bech32', 'payer');
      const back = coin.sats + payeeCoin.sats - 2_003_000;
      const txid = await spend(h.node, [coin, payeeCoin], { [payee]: 2_000_000, [payerSecond]: back });
      const pendingOf = async () =>
        (
          await h.db.online.query<{
            user_id: string;
            received_sats: string;
            sent_sats: string;
            paid: string;
          }>(
            `SELECT user_id, received_sats, sent_sats, paid_to_others_sats AS paid
               FROM mempool_txs WHERE txid = $1 ORDER BY user_id`,
            [txid],
          )
        ).rows.map((r) => ({
          user: r.user_id,
          received: Number(r.received_sats),
          sent: Number(r.sent_sats),
          paid: Number(r.paid),
        }));
      await waitFor(pendingOf, (rows) => rows.length === 1, { what: 'the payment pending for the payer' });
      expect(await pendingOf()).toEqual([
        { user: 'payer', received: 0, sent: coin.sats, paid: back + 2_000_000 },
      ]);

      const changesBefore = await mempoolChanges();
      // Both join through a rescan (registered with their history): the payee's coin is found.
      await addUser(h.db.online, 'payee', [payee], h.startHeight);
      await addUser(h.db.online, 'payer', [payerSecond], h.startHeight);
      h.users.set('payee', [payee]);
      h.users.set('payer', [payer!, payerSecond]);
      await waitFor(pendingOf, (rows) => rows.length === 2 && rows[1]!.received > 0, {
        what: 'the payment pending for both, whole',
        timeoutMs: 30_000,
      });
      expect(await pendingOf()).toEqual([
        { user: 'payee', received: 2_000_000, sent: payeeCoin.sats, paid: back },
        { user: 'payer', received: back, sent: coin.sats, paid: 2_000_000 },
      ]);
      const pendingEvents = async (userId: string) =>
        (
          await h.db.online.query<{ delta: string }>(
            `SELECT payload->>'deltaSats' AS delta FROM outbox
              WHERE stream = $1 AND type = 'TxPending' AND payload->>'txid' = $2 ORDER BY version`,
            [userStream(userId), txid],
          )
        ).rows.map((r) => Number(r.delta));
      // The payer's second event restates the payment whole; the read side takes the difference.
      expect(await pendingEvents('payer')).toEqual([-coin.sats, -(coin.sats - back)]);
      expect(await pendingEvents('payee')).toEqual([2_000_000 - payeeCoin.sats]);
      // Counted as restated, not as a new pending transaction: once, or twice when the two
      // addresses were placed apart (the payee's part first, then the payer's changed one).
      const changesAfter = await mempoolChanges();
      expect(changesAfter.restated - changesBefore.restated).toBeGreaterThanOrEqual(1);
      expect(changesAfter.restated - changesBefore.restated).toBeLessThanOrEqual(2);
      expect(changesAfter.pending - changesBefore.pending).toBe(0);

      await h.node.mineBlockWith([txid]);
      await settled();
      expect(await pendingOf()).toEqual([]);
      await expectConsistent();
    });
  });

  it('addresses joining fetch only the mempool transactions that may touch them, and find those that do', async () => {
    const node = createBitcoindMempoolSource(h.node.rpc);
    let fetches = 0;
    const mempoolSource = {
      ...node,
      rawTransaction: (txid: string) => (fetches++, node.rawTransaction(txid)),
    };
    await withCrawler({ mempoolSource }, async (crawler) => {
      await h.node.mine(1);
      await h.waitSynced();
      const holder = await h.node.newAddress('bech32', 'holder');
      // Not registered yet, the holder's coin is a customer's too: the wallet must not spend it.
      const locked = <T>(pay: () => Promise<T>) => withCoinsLocked(h.node, [...customers(), holder], pay);
      const funding = await locked(() => h.node.send(holder, 0.03));
      await h.node.mineBlockWith([funding]);
      await h.waitSynced();
      // Twenty payments to nobody we know, one spending the holder's coin, one to a fresh address.
      for (let i = 0; i < 20; i++)
        await locked(async () => h.node.send(await h.node.newAddress('bech32', 'x'), 0.001));
      const coin = (await utxosOf(h.node, [holder])).find((u) => u.txid === funding)!;
      const spent = await spend(h.node, [coin], {
        [await h.node.newAddress('bech32', 'x')]: coin.sats - 3_000,
      });
      const fresh = await h.node.newAddress('bech32', 'fresh');
      const paid = await locked(() => h.node.send(fresh, 0.002));
      const mempool = (await h.node.rpc.call<string[]>('getrawmempool', [])).length;
      await waitFor(
        () => crawler.status().mempool?.nodeTxs ?? 0,
        (n) => n >= mempool,
        { what: 'the mempool seen' },
      );
      const before = fetches;

      // One joins from the next block, one with its history (a rescan finds its coin).
      await addUser(h.db.online, 'fresh', [fresh]);
      await addUser(h.db.online, 'holder', [holder], h.startHeight);
      h.users.set('fresh', [fresh]);
      h.users.set('holder', [holder]);
      const pendingOf = async (userId: string) =>
        (
          await h.db.online.query<{ txid: string }>(
            `SELECT payload->>'txid' AS txid FROM outbox WHERE stream = $1 AND type = 'TxPending'`,
            [userStream(userId)],
          )
        ).rows.map((r) => r.txid);
      await waitFor(
        () => pendingOf('fresh'),
        (t) => t.includes(paid),
        { what: 'the fresh payment pending' },
      );
      await waitFor(
        () => pendingOf('holder'),
        (t) => t.includes(spent),
        { what: 'the holder spend pending' },
      );
      // The two, and at most a few whose tags look alike: not the mempool again.
      expect(mempool).toBeGreaterThanOrEqual(22);
      expect(fetches - before).toBeLessThan(6);

      await h.node.mine(1);
      await settled();
      await expectConsistent();
    });
  });

  it('the crawler SIGKILLed in the middle of a rescan resumes it: nothing lost, nothing twice', async () => {
    const s = await historyScenario('killed');
    await h.stopCrawler();
    // Each chunk's progress write waits 100 ms once a few are done: the kill lands mid-rescan.
    await h.db.online.query(`
      CREATE FUNCTION slow_rescan() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.blocks_scanned > 5 THEN PERFORM pg_sleep(0.1); END IF;
        RETURN NEW;
      END $$;
      CREATE TRIGGER slow_rescan BEFORE UPDATE ON crawler_rescans FOR EACH ROW EXECUTE FUNCTION slow_rescan();`);
    const { spawnCrawler } = await import('./testing/crawlerProcess.js');
    const env = { CRAWLER_RESCAN_CHUNK_BLOCKS: '1', CRAWLER_METRICS_PORT: '0' };
    let proc = spawnCrawler(h, env);
    try {
      await addUser(h.db.online, 'killed', [s.address], h.startHeight);
      h.users.set('killed', [s.address]);
      await proc.withOutput(
        waitFor(
          async () =>
            (
              await h.db.online.query<{ n: number }>(
                'SELECT blocks_scanned AS n FROM crawler_rescans WHERE finished_at IS NULL',
              )
            ).rows[0]?.n ?? 0,
          (n) => Number(n) > 10,
          { what: 'the rescan under way', timeoutMs: 60_000 },
        ),
      );
      proc.child.kill('SIGKILL');
      await new Promise((resolve) => proc.child.once('exit', resolve));
      await h.db.online.query('DROP TRIGGER slow_rescan ON crawler_rescans');
      const { rows } = await h.db.online.query<{ finished: boolean }>(
        'SELECT finished_at IS NOT NULL AS finished FROM crawler_rescans ORDER BY rescan_id DESC LIMIT 1',
      );
      expect(rows[0]!.finished).toBe(false);
      proc = spawnCrawler(h, env);
      await proc.withOutput(settled());
      await expectConsistent();
      await expectHistory('killed', s);
    } finally {
      proc.child.kill('SIGTERM');
      await new Promise((resolve) =>
        proc.child.exitCode === null ? proc.child.once('exit', resolve) : resolve(0),
      );
      await h.startCrawler();
    }
  });
});
