/**
 * `npm run bench -- orders`: order placement through the BFF under load.
 *
 * 1. Fresh online, views and trading databases; 1,000 users, each with a registered address.
 * 2. The trading service (trading/src/main.ts) and the BFF (bff/src/main.ts) as processes on
 *    free ports, the house price set to €60,000.
 * 3. autocannon POSTs /v1/users/<random user>/orders — limit buys at 1 cent, which never fill,
 *    so the figure is placement itself: the BFF's auth, validation and address lookup, its
 *    HTTP call, and the trading service's transaction (order row, OrderPlaced in the outbox).
 * 4. Baseline in the same run: the trading service's own POST /orders straight (no BFF), and
 *    the BFF's /healthz ceiling (no auth, no database).
 * Prints each figure with the CPU share of both processes and the load average, then one
 * JSON line.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import autocannon from 'autocannon';
import { networks, payments } from 'bitcoinjs-lib';
import { freePort } from '#shared/testing/freePort.js';
import { readStackEnv, repoRoot } from '#shared/testing/stackEnv.js';
import { createTestDatabase, createTestDatabases } from '#shared/testing/testDatabases.js';
import { waitFor } from '#shared/testing/waitFor.js';

const USERS = 1_000;
const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 15);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const ADMIN_TOKEN = 'bench-admin-token-0123456789abcdef';
const ORDER = { side: 'buy', amountSats: 1_000, limitPriceEurCents: 1 } as const;

const log = (msg: string) => console.error(`[bench orders] ${msg}`);
const load1 = () => Math.round(loadavg()[0]! * 100) / 100;

/** CPU seconds (user + system) a process has used so far; undefined where /proc is missing. */
function cpuSeconds(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return undefined;
  }
}

/** Runs `work`; says what share of one core each process used meanwhile. */
async function withCpu<T>(pids: Record<string, number | undefined>, work: () => Promise<T>) {
  const started = performance.now();
  const before = Object.fromEntries(Object.entries(pids).map(([n, p]) => [n, cpuSeconds(p)]));
  const result = await work();
  const seconds = (performance.now() - started) / 1000;
  const shares = Object.entries(pids)
    .map(([name, pid]) => {
      const [a, b] = [before[name], cpuSeconds(pid)];
      return `${name} ${a === undefined || b === undefined ? '?' : `${Math.round((100 * (b - a)) / seconds)}%`}`;
    })
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
    const child = spawn(process.execPath, ['--import', 'tsx', main], {
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
  const viaBff = (duration: number) =>
    autocannon({
      url: bffUrl,
      connections: CONNECTIONS,
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
  const pids = { bff: bffProcess.pid, trading: tradingProcess.pid };
  const failed = (r: autocannon.Result) => r.non2xx + r.errors + r.timeouts;

  log('warm-up 3 s');
  await viaBff(3);
  const ceiling = await autocannon({ url: `${bffUrl}/healthz`, connections: CONNECTIONS, duration: 5 });
  log(
    `GET /healthz ceiling: ${Math.round(ceiling.requests.average)} req/s, p99 ${ceiling.latency.p99} ms; load ${load1()}`,
  );
  const base = await withCpu(pids, () => direct(DURATION_S));
  if (failed(base.result) > 0) throw new Error(`${failed(base.result)} direct requests failed`);
  log(
    `trading POST /orders direct: ${Math.round(base.result.requests.average)} req/s, ` +
      `p50 ${base.result.latency.p50} ms, p99 ${base.result.latency.p99} ms; ${base.shares}; load ${load1()}`,
  );
  const run = await withCpu(pids, () => viaBff(DURATION_S));
  if (failed(run.result) > 0) throw new Error(`${failed(run.result)} requests through the BFF failed`);
  const rps = Math.round(run.result.requests.average);
  log(
    `POST /v1/users/:id/orders via the BFF: ${rps} req/s, p50 ${run.result.latency.p50} ms, ` +
      `p99 ${run.result.latency.p99} ms; ${run.shares}; load ${load1()}`,
  );
  const { rows } = await trading.pool.query<{ orders: number; events: number }>(
    `SELECT (SELECT count(*) FROM orders)::int AS orders, (SELECT count(*) FROM outbox)::int AS events`,
  );
  log(`written: ${rows[0]!.orders} orders, ${rows[0]!.events} OrderPlaced events in the outbox`);
  console.log(
    JSON.stringify({
      bench: 'orders',
      rps,
      p50Ms: run.result.latency.p50,
      p99Ms: run.result.latency.p99,
      baselineDirectRps: Math.round(base.result.requests.average),
      baselineDirectP99Ms: base.result.latency.p99,
      healthzRps: Math.round(ceiling.requests.average),
      ratioToDirect: Math.round((rps / base.result.requests.average) * 100) / 100,
      connections: CONNECTIONS,
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
