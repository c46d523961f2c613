/**
 * `npm run bench -- orders`: order placement through the BFF under load.
 *
 * 1. Fresh online, views and trading databases; 1,000 users, each with a registered address.
 * 2. The trading service (trading/src/main.ts) and the BFF (bff/src/main.ts) as processes on
 *    free ports, the house price set to €60,000.
 * 3. autocannon POSTs /v1/users/<random user>/orders — limit buys at 1 cent, which never fill,
 *    so the figure is placement itself: the BFF's auth, validation and address lookup, its
 *    HTTP call, and the trading service's transaction (order row, OrderPlaced in the outbox),
 *    shared under load by the placements waiting together (group commit; the average number
 *    of placements per transaction is printed).
 * 4. Baseline in the same run: the trading service's own POST /orders straight (no BFF), and
 *    the BFF's /healthz ceiling (no auth, no database).
 * Three runs of each (16 connections by default, BENCH_CONNECTIONS), the median reported with
 * the spread, then one run at twice the connections to show what queueing adds. Prints each
 * figure with the CPU share of the BFF, the trading service, PostgreSQL and the load
 * generator, and the load average, then one JSON line. BENCH_CPU_PROF=<dir> writes V8 CPU
 * profiles of the BFF and the trading service there.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { loadavg } from 'node:os';
import autocannon from 'autocannon';
import { networks, payments } from 'bitcoinjs-lib';
import { cpuSecondsOf, cpuSecondsOfTree, parentPid } from './crawler/cpuTimes.js';
import { freePort } from '#shared/testing/freePort.js';
import { readStackEnv, repoRoot } from '#shared/testing/stackEnv.js';
import { createTestDatabase, createTestDatabases } from '#shared/testing/testDatabases.js';
import { waitFor } from '#shared/testing/waitFor.js';

const USERS = 1_000;
const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 16);
const RUNS = 3;
const ADMIN_TOKEN = 'bench-admin-token-0123456789abcdef';
const ORDER = { side: 'buy', amountSats: 1_000, limitPriceEurCents: 1 } as const;

const log = (msg: string) => console.error(`[bench orders] ${msg}`);
const load1 = () => Math.round(loadavg()[0]! * 100) / 100;

/** CPU seconds used so far, per part of the setup. */
type CpuSamplers = Record<string, () => number>;

/** Runs `work`; says what share of one core each part used meanwhile. */
async function withCpu<T>(parts: CpuSamplers, work: () => Promise<T>) {
  const started = performance.now();
  const before = Object.fromEntries(Object.entries(parts).map(([n, f]) => [n, f()]));
  const result = await work();
  const seconds = (performance.now() - started) / 1000;
  const shares = Object.entries(parts)
    .map(([name, f]) => `${name} ${Math.round((100 * (f() - before[name]!)) / seconds)}%`)
    .join(', ');
  return { result, shares: `CPU (of one core): ${shares}` };
}

const stack = readStackEnv();
const [dbs, trading] = await Promise.all([
  createTestDatabases('bench_orders'),
  createTestDatabase('trading', 'bench_orders'),
]);
const children: ChildProcess[] = [];
try {
  log(`seeding ${USERS} users with an address each`);
  const addresses = Array.from({ length: USERS }, () =>
    payments.p2wpkh({ hash: randomBytes(20), network: networks.regtest }),
  );
  await dbs.online.query(`INSERT INTO users (user_id) SELECT 'u' || i FROM generate_series(1, $1::int) i`, [
    USERS,
  ]);
  await dbs.online.query(
    `INSERT INTO watched_addresses (address, user_id, script_pubkey, address_type)
     SELECT a, 'u' || i, decode(s, 'hex'), 'p2wpkh' FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS x(a, s, i)`,
    [addresses.map((p) => p.address!), addresses.map((p) => Buffer.from(p.output!).toString('hex'))],
  );

  const [tradingPort, bffPort] = [await freePort(), await freePort()];
  const common = {
    ...process.env,
    BITCOIND_RPC_URL: stack.BITCOIND_RPC_URL,
    FORKLINE_ADMIN_TOKEN: ADMIN_TOKEN,
    LOG_LEVEL: 'warn',
  };
  const start = (main: string, env: Record<string, string>) => {
    // BENCH_CPU_PROF=<dir>: each process writes a V8 CPU profile there when it stops.
    const profile = process.env.BENCH_CPU_PROF;
    const args = profile ? ['--cpu-prof', `--cpu-prof-dir=${profile}`] : [];
    const child = spawn(process.execPath, [...args, '--import', 'tsx', main], {
      cwd: repoRoot,
      stdio: ['ignore', 'inherit', 'inherit'],
      env: { ...common, ...env },
    });
    children.push(child);
    return child;
  };
  const tradingProcess = start('trading/src/main.ts', {
    TRADING_PORT: String(tradingPort),
    TRADING_DATABASE_URL: trading.url,
    TRADING_DB_POOL_SIZE: '16',
  });
  const bffProcess = start('bff/src/main.ts', {
    ONLINE_DATABASE_URL: dbs.onlineUrl,
    VIEWS_DATABASE_URL: dbs.viewsUrl,
    FORKLINE_JWT_SECRET: 'bench-jwt-secret-0123456789abcdef0123456789',
    BFF_PORT: String(bffPort),
    BFF_RATE_LIMIT_PER_MINUTE: '1000000000',
    BFF_DB_POOL_SIZE: '16',
    TRADING_URL: `http://127.0.0.1:${tradingPort}`,
  });
  const [tradingUrl, bffUrl] = [`http://127.0.0.1:${tradingPort}`, `http://127.0.0.1:${bffPort}`];
  for (const url of [tradingUrl, bffUrl]) {
    await waitFor(
      async () => (await fetch(`${url}/readyz`).catch(() => undefined))?.status,
      (s) => s === 200,
      { what: `${url} to be ready`, timeoutMs: 60_000 },
    );
  }
  const auth = { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' };
  const price = await fetch(`${bffUrl}/v1/price`, {
    method: 'PUT',
    headers: auth,
    body: '{"eurPerBtc":60000}',
  });
  if (price.status !== 200) throw new Error(`setting the price: HTTP ${price.status}`);

  const randomUser = () => 1 + Math.floor(Math.random() * USERS);
  const viaBff = (duration: number, connections = CONNECTIONS) =>
    autocannon({
      url: bffUrl,
      connections,
      duration,
      headers: auth,
      requests: [
        {
          method: 'POST',
          body: JSON.stringify(ORDER),
          setupRequest: (req) => ({ ...req, path: `/v1/users/u${randomUser()}/orders` }),
        },
      ],
    });
  const direct = (duration: number) =>
    autocannon({
      url: tradingUrl,
      connections: CONNECTIONS,
      duration,
      headers: auth,
      requests: [
        {
          method: 'POST',
          path: '/orders',
          setupRequest: (req) => {
            const i = randomUser();
            const address = addresses[i - 1]!.address!;
            return {
              ...req,
              body: JSON.stringify({
                userId: `u${i}`,
                ...ORDER,
                receiveAddress: address,
                spendAddresses: [address],
              }),
            };
          },
        },
      ],
    });
  // This stack's own PostgreSQL cluster, not the other stacks' that may share the machine.
  const { rows: backend } = await dbs.online.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
  const postmasterPid = parentPid(backend[0]!.pid);
  const pids: CpuSamplers = {
    bff: () => cpuSecondsOf(bffProcess.pid!),
    trading: () => cpuSecondsOf(tradingProcess.pid!),
    postgres: () => cpuSecondsOfTree(postmasterPid),
    'load generator': () => {
      const { user, system } = process.cpuUsage();
      return (user + system) / 1e6;
    },
  };
  const failed = (r: autocannon.Result) => r.non2xx + r.errors + r.timeouts;

  log('warm-up 3 s');
  await viaBff(3);
  const ceiling = await autocannon({ url: `${bffUrl}/healthz`, connections: CONNECTIONS, duration: 5 });
  log(
    `GET /healthz ceiling: ${Math.round(ceiling.requests.average)} req/s, p99 ${ceiling.latency.p99} ms; load ${load1()}`,
  );
  const figures = (r: autocannon.Result) =>
    `${Math.round(r.requests.average)} req/s, p50 ${r.latency.p50} ms, p99 ${r.latency.p99} ms`;
  const runs: { bff: autocannon.Result; direct: autocannon.Result }[] = [];
  for (let i = 1; i <= RUNS; i++) {
    const base = await withCpu(pids, () => direct(DURATION_S));
    if (failed(base.result) > 0) throw new Error(`${failed(base.result)} direct requests failed`);
    log(`run ${i}: trading POST /orders direct: ${figures(base.result)}; ${base.shares}; load ${load1()}`);
    const run = await withCpu(pids, () => viaBff(DURATION_S));
    if (failed(run.result) > 0) throw new Error(`${failed(run.result)} requests through the BFF failed`);
    log(
      `run ${i}: POST /v1/users/:id/orders via the BFF: ${figures(run.result)}; ${run.shares}; load ${load1()}`,
    );
    runs.push({ bff: run.result, direct: base.result });
  }
  // Closed-loop clients: beyond the concurrency that keeps every stage busy, more
  // connections only queue (latency = connections / throughput). Shown once for scale.
  const doubled = await viaBff(DURATION_S, 2 * CONNECTIONS);
  log(`via the BFF with ${2 * CONNECTIONS} connections: ${figures(doubled)}`);
  const byRps = [...runs].sort((a, b) => a.bff.requests.average - b.bff.requests.average);
  const median = byRps[Math.floor(RUNS / 2)]!;
  const rps = Math.round(median.bff.requests.average);
  const spread = byRps.map((r) => Math.round(r.bff.requests.average));
  log(`median of ${RUNS} via the BFF: ${figures(median.bff)} (runs: ${spread.join(', ')} req/s)`);
  const { rows } = await trading.pool.query<{ orders: number; events: number }>(
    `SELECT (SELECT count(*) FROM orders)::int AS orders, (SELECT count(*) FROM outbox)::int AS events`,
  );
  log(`written: ${rows[0]!.orders} orders, ${rows[0]!.events} OrderPlaced events in the outbox`);
  // Group commit: how many placements shared a transaction, over the whole bench.
  const metrics = await (await fetch(`${tradingUrl}/metrics`)).text();
  const histogram = (part: string) =>
    Number(
      new RegExp(`forkline_trading_placements_per_transaction_${part}(?:{[^}]*})? (\\d+)`).exec(metrics)?.[1],
    );
  const perTransaction = Math.round((histogram('sum') / histogram('count')) * 10) / 10;
  log(`placements per transaction: ${perTransaction} on average (group commit)`);
  console.log(
    JSON.stringify({
      bench: 'orders',
      rps,
      p50Ms: median.bff.latency.p50,
      p99Ms: median.bff.latency.p99,
      rpsRuns: spread,
      baselineDirectRps: Math.round(median.direct.requests.average),
      baselineDirectP99Ms: median.direct.latency.p99,
      healthzRps: Math.round(ceiling.requests.average),
      ratioToDirect: Math.round((rps / median.direct.requests.average) * 100) / 100,
      connections: CONNECTIONS,
      doubledConnections: { rps: Math.round(doubled.requests.average), p99Ms: doubled.latency.p99 },
      placementsPerTransaction: perTransaction,
      durationS: DURATION_S,
      load1: load1(),
    }),
  );
} finally {
  for (const child of children) child.kill('SIGTERM');
  await Promise.all(
    children.map(
      (c) => new Promise((resolve) => (c.exitCode === null ? c.once('exit', resolve) : resolve(null))),
    ),
  );
  await Promise.all([dbs.drop(), trading.drop()]);
}
