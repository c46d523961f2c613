import { expect } from 'vitest';
import { addressToScript } from '#shared/bitcoin/addressToScript.js';
import { createLogger } from '#shared/logging/logger.js';
import { createMetricsRegistry } from '#shared/metrics/registry.js';
import { readStackEnv } from '#shared/testing/stackEnv.js';
import { createTestDatabases, type TestDatabases } from '#shared/testing/testDatabases.js';
import { waitFor } from '#shared/testing/waitFor.js';
import type { Executor, Pool } from '#shared/db/pool.js';
import { createRegtestNode, type RegtestNode } from '#shared/testing/regtestNode.js';
import { createCrawler, type Crawler, type CrawlerSettings } from '../createCrawler.js';
import { selectBalances } from '../db/selectBalances.js';
import { selectTip } from '../db/selectTip.js';
import { createBitcoindSource, type ChainSource } from '../node/chainSource.js';
import { createBitcoindMempoolSource, type MempoolSource } from '../node/mempoolSource.js';
import { createCrawlerMetrics, type CrawlerMetrics } from '../metrics.js';

/**
 * Registers a user and their addresses the way the BFF does (rows only; the trigger
 * notifies), with their history from `rescanFromHeight` when given.
 */
export async function addUser(
  ex: Executor,
  userId: string,
  addresses: string[],
  rescanFromHeight?: number,
): Promise<void> {
  await ex.query('INSERT INTO users (user_id) VALUES ($1) ON CONFLICT DO NOTHING', [userId]);
  for (const address of addresses) {
    const parsed = addressToScript(address, 'regtest');
    if (!parsed.ok) throw new Error(parsed.message);
    await ex.query(
      `INSERT INTO watched_addresses (address, user_id, script_pubkey, address_type, from_height, rescan_requested)
       VALUES ($1, $2, $3, $4, $5, $6)`,
      [
        address,
        userId,
        parsed.scriptPubKey,
        parsed.type,
        rescanFromHeight ?? null,
        rescanFromHeight !== undefined,
      ],
    );
  }
}

export interface Harness {
  db: TestDatabases;
  node: RegtestNode;
  source: ChainSource;
  stack: ReturnType<typeof readStackEnv>;
  /** Height of the node's tip when the harness was made: the crawler starts above it. */
  startHeight: number;
  users: Map<string, string[]>;
  crawler: Crawler | undefined;
  metrics: CrawlerMetrics | undefined;
  /** `mempoolSource`: follow the mempool too (`true`: the node's own, or a wrapped one). */
  startCrawler(
    options?: Partial<CrawlerSettings> & {
      source?: ChainSource;
      mempoolSource?: MempoolSource | true;
      /** The crawler's pool, e.g. one that fails chosen queries (the harness's by default). */
      pool?: Pool;
    },
  ): Promise<Crawler>;
  stopCrawler(): Promise<void>;
  /** Adds a user with `count` fresh node-wallet addresses of the given types; waits until watched. */
  newUser(userId: string, types?: Parameters<RegtestNode['newAddress']>[0][]): Promise<string[]>;
  /** Watches more addresses for a user; waits until the running crawler watches them. */
  addAddresses(userId: string, addresses: string[]): Promise<void>;
  waitSynced(timeoutMs?: number): Promise<void>;
  /** Every user's balance in the online DB equals what scantxoutset says their addresses hold. */
  expectOracle(): Promise<void>;
  close(): Promise<void>;
}

export async function createHarness(label: string): Promise<Harness> {
  const stack = readStackEnv();
  const db = await createTestDatabases(label);
  const node = createRegtestNode(stack.BITCOIND_RPC_URL, stack.BITCOIND_WALLET);
  await node.ensureFunds(100);
  const startHeight = (await node.height()) + 1;
  const source = createBitcoindSource(node.rpc);
  const log = createLogger(`crawler-${label}`, process.env.LOG_LEVEL ?? 'error');

  const h: Harness = {
    db,
    node,
    source,
    stack,
    startHeight,
    users: new Map(),
    crawler: undefined,
    metrics: undefined,
    async startCrawler(options = {}) {
      const { source: chainSource, mempoolSource, pool, ...settings } = options;
      const metrics = createCrawlerMetrics(createMetricsRegistry('crawler', false));
      const crawler = createCrawler({
        pool: pool ?? db.online,
        source: chainSource ?? source,
        mempoolSource: mempoolSource === true ? createBitcoindMempoolSource(node.rpc) : mempoolSource,
        log,
        metrics,
        settings: {
          network: 'regtest',
          startHeight,
          pollIntervalMs: 200,
          fetchConcurrency: 4,
          // Small groups, so that the specs' catch-ups cross group boundaries.
          catchUp: { groupBlocks: 5, behindBlocks: 3 },
          zmqEndpoint: stack.BITCOIND_ZMQ_SEQUENCE,
          databaseUrl: db.onlineUrl,
          mempoolResyncMs: 10_000,
          // Small chunks, so that the specs' rescans cross chunk boundaries.
          rescanChunkBlocks: 7,
          ...settings,
        },
      });
      await crawler.start();
      h.crawler = crawler;
      h.metrics = metrics;
      return crawler;
    },
    async stopCrawler() {
      await h.crawler?.close();
      h.crawler = undefined;
    },
    async newUser(userId, types = ['bech32']) {
      const addresses: string[] = [];
      for (const t of types) addresses.push(await node.newAddress(t, userId));
      await h.addAddresses(userId, addresses);
      return addresses;
    },
    async addAddresses(userId, addresses) {
      await addUser(db.online, userId, addresses);
      h.users.set(userId, [...(h.users.get(userId) ?? []), ...addresses]);
      const crawler = h.crawler;
      if (crawler) {
        await waitFor(() => addresses.every((a) => crawler.isWatching(a)), Boolean, {
          what: `${userId} watched`,
        });
      }
    },
    async waitSynced(timeoutMs = 30_000) {
      await waitFor(
        async () => {
          const [best, tip] = await Promise.all([node.bestHash(), selectTip(db.online)]);
          return best === tip?.hash;
        },
        Boolean,
        { timeoutMs, what: 'crawler tip = node best hash' },
      ).catch((err: Error) => {
        // The crawler's own account says why: retrying an error, stopped, behind.
        throw new Error(`${err.message}; crawler status: ${JSON.stringify(h.crawler?.status())}`);
      });
    },
    async expectOracle() {
      const balances = await selectBalances(db.online);
      const deltas = await db.online.query<{ user_id: string; sats: number }>(
        'SELECT user_id, sum(delta_sats)::bigint AS sats FROM wallet_transactions GROUP BY user_id',
      );
      const byDeltas = new Map(deltas.rows.map((r) => [r.user_id, r.sats]));
      for (const [userId, addresses] of h.users) {
        const oracle = await node.balanceOf(addresses);
        expect({ userId, utxos: balances.get(userId) ?? 0, deltas: byDeltas.get(userId) ?? 0 }).toEqual({
          userId,
          utxos: oracle,
          deltas: oracle,
        });
      }
    },
    async close() {
      await h.stopCrawler();
      await db.drop();
    },
  };
  return h;
}

/** Per-stream versions in the outbox are 1, 2, 3, … with no gap or repeat. */
export async function expectDenseVersions(ex: Executor): Promise<void> {
  const { rows } = await ex.query<{ stream: string; versions: number[] }>(
    'SELECT stream, array_agg(version ORDER BY version) AS versions FROM outbox GROUP BY stream',
  );
  for (const r of rows) {
    expect({ stream: r.stream, versions: r.versions.map(Number) }).toEqual({
      stream: r.stream,
      versions: r.versions.map((_, i) => i + 1),
    });
  }
}

/** No TxConfirmed twice for the same (user, txid, block) without a TxReverted in between. */
export async function expectNoDuplicateConfirmations(ex: Executor): Promise<void> {
  const { rows } = await ex.query<{ stream: string; txid: string; block_hash: string; n: number }>(
    `SELECT stream, payload->>'txid' AS txid, payload->>'blockHash' AS block_hash,
            count(*) FILTER (WHERE type = 'TxConfirmed') - count(*) FILTER (WHERE type = 'TxReverted') AS n
       FROM outbox WHERE type IN ('TxConfirmed', 'TxReverted')
      GROUP BY 1, 2, 3 HAVING count(*) FILTER (WHERE type = 'TxConfirmed') - count(*) FILTER (WHERE type = 'TxReverted') NOT IN (0, 1)`,
  );
  expect(rows).toEqual([]);
}
