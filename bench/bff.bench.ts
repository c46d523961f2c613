/**
 * `npm run bench -- bff`: the BFF's balance read under load, and why projections exist.
 *
 * 1. A fresh views database with 100,000 users (projected balance rows) and a chain.
 * 2. The BFF process (bff/src/main.ts) on a free port; autocannon on the same machine
 *    GETs /v1/users/<random user>/balance: requests/s, p50, p99, read against the
 *    /healthz ceiling of the same run (no auth, no database), with the CPU share of the
 *    BFF and of autocannon and the load average (other work on the machine shows there).
 * 3. The same answer computed two ways, straight against PostgreSQL, for users with 10,
 *    1,000 and 10,000 transactions: the naive way (aggregate the user's per-transaction
 *    rows, joined to the main chain, at read time) and the projected way (one row, read
 *    by the route's own statement, readBalances, for a batch of one user).
 * Ends with one JSON line.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import autocannon from 'autocannon';
import { readBalances } from '../bff/src/db/readBalances.js';
import type { Pool } from '#shared/db/pool.js';
import { freePort } from '#shared/testing/freePort.js';
import { readStackEnv, repoRoot } from '#shared/testing/stackEnv.js';
import { createTestDatabases } from '#shared/testing/testDatabases.js';
import { waitFor } from '#shared/testing/waitFor.js';

const USERS = 100_000;
const CHAIN_HEIGHT = 1_000;
const TX_COUNTS = [10, 1_000, 10_000] as const;
const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 15);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const SQL_RUNS = 300;
const ADMIN_TOKEN = 'bench-admin-token-0123456789abcdef';

const log = (msg: string) => console.error(`[bench bff] ${msg}`);
const round = (n: number) => Math.round(n * 1000) / 1000;

async function seed(views: Pool): Promise<void> {
  log(`seeding ${USERS} users and a chain of ${CHAIN_HEIGHT} blocks`);
  await views.query(
    `INSERT INTO projection.chain_blocks (height, hash, prev_hash, time)
     SELECT h, md5('b' || h) || md5('B' || h), md5('b' || (h - 1)) || md5('B' || (h - 1)), 1700000000 + h
     FROM generate_series(0, $1::int) h`,
    [CHAIN_HEIGHT],
  );
  await views.query(
    `INSERT INTO projection.users (user_id, registered_at) SELECT 'u' || i, now() FROM generate_series(1, $1::int) i`,
    [USERS],
  );
  await views.query(
    `INSERT INTO projection.balances (user_id, confirmed_sats, pending_sats, tx_count, version)
     SELECT 'u' || i, (i * 7919) % 2100000000, 0, 1 + i % 50, 2 + i % 50 FROM generate_series(1, $1::int) i`,
    [USERS],
  );
  // The naive model: one row per (user, transaction), the balance summed at read time over
  // the transactions whose block is on the main chain. Every user has one transaction
  // (background rows), and three users have 10, 1,000 and 10,000.
  await views.query(`CREATE TABLE bench_wallet_txs (
    user_id text NOT NULL, txid text NOT NULL, block_hash text NOT NULL, delta_sats bigint NOT NULL,
    PRIMARY KEY (user_id, txid))`);
  await views.query(
    `INSERT INTO bench_wallet_txs
     SELECT 'u' || i, md5('t' || i) || md5('T' || i), md5('b' || (1 + i % $2::int)) || md5('B' || (1 + i % $2::int)), 1000 + i
     FROM generate_series(1, $1::int) i`,
    [USERS, CHAIN_HEIGHT],
  );
  for (const n of TX_COUNTS) {
    const userId = `txs${n}`;
    await views.query(
      `INSERT INTO bench_wallet_txs
       SELECT $1, md5($1 || i) || md5($1 || 'x' || i), md5('b' || (1 + i % $3::int)) || md5('B' || (1 + i % $3::int)),
              CASE WHEN i % 3 = 0 THEN -500 ELSE 1000 END
       FROM generate_series(1, $2::int) i`,
      [userId, n, CHAIN_HEIGHT],
    );
    await views.query(
      `INSERT INTO projection.users (user_id, registered_at) VALUES ($1, now());
       `.trim(),
      [userId],
    );
    await views.query(
      `INSERT INTO projection.balances (user_id, confirmed_sats, tx_count, version)
       SELECT user_id, sum(delta_sats), count(*), count(*) + 1 FROM bench_wallet_txs WHERE user_id = $1 GROUP BY user_id`,
      [userId],
    );
  }
  await views.query('ANALYZE');
}

function naiveBalance(views: Pool, userId: string) {
  return views.query({
    name: 'bench_naive_balance',
    text: `SELECT count(*) AS tx_count, coalesce(sum(t.delta_sats), 0) AS confirmed_sats,
                  (SELECT height FROM projection.chain_blocks ORDER BY height DESC LIMIT 1) AS tip
           FROM bench_wallet_txs t JOIN projection.chain_blocks b ON b.hash = t.block_hash
           WHERE t.user_id = $1`,
    values: [userId],
  });
}

async function p50Ms(work: () => Promise<unknown>): Promise<number> {
  for (let i = 0; i < 20; i++) await work(); // warm the plan and the cache
  const times: number[] = [];
  for (let i = 0; i < SQL_RUNS; i++) {
    const started = process.hrtime.bigint();
    await work();
    times.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  times.sort((a, b) => a - b);
  return round(times[Math.floor(times.length / 2)]!);
}

/** The 1-minute load average: other work on the machine changes every figure here. */
const load1 = () => round(loadavg()[0]!);

/** CPU seconds (user + system) a process has used so far; undefined where /proc is missing. */
function cpuSeconds(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    // Fields after the ")" closing the command name: utime and stime are the 12th and 13th.
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // clock ticks (USER_HZ = 100)
  } catch {
    return undefined;
  }
}

/** Runs `work` and tells what share of one core the BFF and this process (autocannon) used. */
async function withCpuShares<T>(bffPid: number | undefined, work: () => Promise<T>) {
  const started = process.hrtime.bigint();
  const bff0 = cpuSeconds(bffPid);
  const self0 = process.cpuUsage();
  const result = await work();
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const bff1 = cpuSeconds(bffPid);
  const self = process.cpuUsage(self0);
  const percent = (cpu: number) => `${Math.round((100 * cpu) / seconds)}%`;
  const shares =
    `CPU (of one core): bff ${bff0 === undefined || bff1 === undefined ? '?' : percent(bff1 - bff0)}, ` +
    `autocannon ${percent((self.user + self.system) / 1e6)}`;
  return { result, shares };
}

const dbs = await createTestDatabases('bench_bff');
let bff: ReturnType<typeof spawn> | undefined;
try {
  await seed(dbs.views);

  // Same answer, naive vs projected, and check they agree.
  const naiveP50Ms: Record<string, number> = {};
  const projectedP50Ms: Record<string, number> = {};
  for (const n of TX_COUNTS) {
    const userId = `txs${n}`;
    const naive = (await naiveBalance(dbs.views, userId)).rows[0] as {
      confirmed_sats: number;
      tx_count: number;
    };
    const projected = (await readBalances(dbs.views, [userId])).get(userId);
    if (
      Number(naive.confirmed_sats) !== projected?.confirmedSats ||
      Number(naive.tx_count) !== projected.txCount
    ) {
      throw new Error(`naive and projected answers differ for ${userId}`);
    }
    naiveP50Ms[n] = await p50Ms(() => naiveBalance(dbs.views, userId));
    projectedP50Ms[n] = await p50Ms(() => readBalances(dbs.views, [userId]));
    log(`user with ${n} txs: naive p50 ${naiveP50Ms[n]} ms, projected p50 ${projectedP50Ms[n]} ms`);
  }

  const port = await freePort();
  const stack = readStackEnv();
  bff = spawn(process.execPath, ['--import', 'tsx', 'bff/src/main.ts'], {
    cwd: repoRoot,
    stdio: ['ignore', 'inherit', 'inherit'],
    env: {
      ...process.env,
      ONLINE_DATABASE_URL: dbs.onlineUrl,
      VIEWS_DATABASE_URL: dbs.viewsUrl,
      BITCOIND_RPC_URL: stack.BITCOIND_RPC_URL,
      FORKLINE_ADMIN_TOKEN: ADMIN_TOKEN,
      FORKLINE_JWT_SECRET: 'bench-jwt-secret-0123456789abcdef0123456789',
      BFF_PORT: String(port),
      BFF_RATE_LIMIT_PER_MINUTE: '1000000000',
      BFF_DB_POOL_SIZE: '16',
      LOG_LEVEL: 'warn',
    },
  });
  const url = `http://127.0.0.1:${port}`;
  await waitFor(
    async () => (await fetch(`${url}/readyz`)).status,
    (s) => s === 200,
    { what: 'the BFF' },
  );

  const load = (duration: number) =>
    autocannon({
      url,
      connections: CONNECTIONS,
      duration,
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
      requests: [
        {
          method: 'GET',
          setupRequest: (req) => ({
            ...req,
            path: `/v1/users/u${1 + Math.floor(Math.random() * USERS)}/balance`,
          }),
        },
      ],
    });
  log('warm-up 3 s');
  await load(3);
  // The HTTP ceiling of this machine (no auth, no database), to read the figures against:
  // autocannon, the BFF and PostgreSQL share the same CPUs.
  const ceiling = await withCpuShares(bff.pid, () =>
    autocannon({ url: `${url}/healthz`, connections: CONNECTIONS, duration: 5 }),
  );
  const healthzRps = Math.round(ceiling.result.requests.average);
  log(
    `GET /healthz ceiling: ${healthzRps} req/s, p99 ${ceiling.result.latency.p99} ms; ` +
      `${ceiling.shares}; load average ${load1()}`,
  );
  log(`load: ${CONNECTIONS} connections for ${DURATION_S} s, random users of ${USERS}`);
  const { result, shares } = await withCpuShares(bff.pid, () => load(DURATION_S));
  const non2xx = result.non2xx + result.errors + result.timeouts;
  if (non2xx > 0) throw new Error(`${non2xx} requests failed (non-2xx, errors or timeouts)`);
  const rps = Math.round(result.requests.average);
  const figures = {
    rps,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    naiveP50Ms,
    projectedP50Ms,
    healthzRps,
    balanceToHealthz: round(rps / healthzRps),
    loadAverage: load1(),
  };
  log(
    `balance GET: ${figures.rps} req/s, p50 ${figures.p50Ms} ms, p99 ${figures.p99Ms} ms ` +
      `(${result.requests.total} requests; targets ≥ 5000 req/s, p99 ≤ 20 ms); ` +
      `${figures.balanceToHealthz} of the /healthz ceiling; ${shares}; load average ${figures.loadAverage}`,
  );
  console.log(JSON.stringify(figures));
} finally {
  if (bff && bff.exitCode === null) {
    const exited = new Promise((r) => bff!.once('exit', r));
    bff.kill('SIGTERM');
    await exited;
  }
  await dbs.drop();
}
