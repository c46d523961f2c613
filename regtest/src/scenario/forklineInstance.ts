import { randomBytes } from 'node:crypto';
import { createRegtestNode } from '#shared/testing/regtestNode.js';
import { readStackEnv, repoRoot } from '#shared/testing/stackEnv.js';
import {
  createTestDatabase,
  createTestDatabases,
  type TestDatabase,
  type TestDatabases,
} from '#shared/testing/testDatabases.js';
import { waitFor } from '#shared/testing/waitFor.js';
import { FORKLINE_PROCESSES } from '../cli/commands/run.js';
import { withInstances } from '../cli/instances.js';
import { createSupervisor, type Supervisor } from '../cli/supervisor.js';
import { createBffClient, type BffClient } from './bffClient.js';
import { freePort } from '#shared/testing/freePort.js';

export interface ForklineInstance {
  bff: BffClient;
  bffUrl: string;
  supervisor: Supervisor;
  dbs: TestDatabases;
  /** The trading service's own database (and its relay's outbox). */
  tradingDb: TestDatabase;
  tradingUrl: string;
  env: NodeJS.ProcessEnv;
  /** The last lines the processes printed, for a failing test's message. */
  recentLogs(): string;
  stop(): Promise<void>;
}

/**
 * Starts forkline's processes exactly as `forkline run` does, against fresh databases
 * and a fresh topic, on free ports, crawling from `startHeight`; `extraEnv` adds to or
 * overrides their environment (e.g. BFF_WEB_DIR); `instances` as `--instances` (the
 * second BFF then listens on the first's port + 10).
 */
export async function startForkline(
  label: string,
  startHeight: number,
  extraEnv: NodeJS.ProcessEnv = {},
  { instances = 1 }: { instances?: number } = {},
): Promise<ForklineInstance> {
  const stack = readStackEnv();
  const [dbs, tradingDb] = await Promise.all([
    createTestDatabases(label),
    createTestDatabase('trading', label),
  ]);
  const id = `${label}-${randomBytes(3).toString('hex')}`;
  const [bffPort, crawlerPort, relayPort, projectorPort, tradingPort, tradingRelayPort] = await Promise.all([
    freePort(),
    freePort(),
    freePort(),
    freePort(),
    freePort(),
    freePort(),
  ]);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...stack,
    ONLINE_DATABASE_URL: dbs.onlineUrl,
    VIEWS_DATABASE_URL: dbs.viewsUrl,
    RELAY_TOPIC: `e2e.${id}`,
    PROJECTOR_TOPIC: `e2e.${id}`,
    PROJECTOR_GROUP_ID: `e2e-${id}`,
    BFF_PORT: String(bffPort),
    BFF_URL: `http://127.0.0.1:${bffPort}`,
    CRAWLER_METRICS_PORT: String(crawlerPort),
    CRAWLER_STATUS_URL: `http://127.0.0.1:${crawlerPort}/status`,
    RELAY_METRICS_PORT: String(relayPort),
    PROJECTOR_METRICS_PORT: String(projectorPort),
    TRADING_DATABASE_URL: tradingDb.url,
    TRADING_PORT: String(tradingPort),
    TRADING_URL: `http://127.0.0.1:${tradingPort}`,
    TRADING_RELAY_METRICS_PORT: String(tradingRelayPort),
    CRAWLER_START_HEIGHT: String(startHeight),
    CRAWLER_POLL_INTERVAL_MS: '1000',
    // A SIGKILLed projector's partitions go to its successor once its session expires:
    // the chaos steps would otherwise wait up to the default 30 s for each kill.
    PROJECTOR_SESSION_TIMEOUT_MS: '10000',
    BFF_RATE_LIMIT_PER_MINUTE: '1000000',
    LOG_LEVEL: process.env.E2E_LOG_LEVEL ?? 'warn',
    ...extraEnv,
  };
  const logs: string[] = [];
  const supervisor = createSupervisor({
    specs: withInstances(FORKLINE_PROCESSES, instances),
    cwd: repoRoot,
    env,
    out: (line) => {
      logs.push(line);
      if (logs.length > 400) logs.shift();
      if (process.env.E2E_VERBOSE) console.log(line);
    },
  });
  supervisor.start();
  const bffUrl = `http://127.0.0.1:${bffPort}`;
  await waitFor(() => fetch(`${bffUrl}/healthz`).then((r) => r.ok), Boolean, {
    timeoutMs: 60_000,
    what: 'the BFF to listen',
  });
  const tradingUrl = `http://127.0.0.1:${tradingPort}`;
  await waitFor(() => fetch(`${tradingUrl}/healthz`).then((r) => r.ok), Boolean, {
    timeoutMs: 60_000,
    what: 'the trading service to listen',
  });
  return {
    bff: createBffClient(bffUrl, stack.FORKLINE_ADMIN_TOKEN),
    bffUrl,
    supervisor,
    dbs,
    tradingDb,
    tradingUrl,
    env,
    recentLogs: () => logs.slice(-60).join('\n'),
    async stop() {
      await supervisor.stop();
      await Promise.all([dbs.drop(), tradingDb.drop()]);
    },
  };
}

export function regtestFromStack() {
  const stack = readStackEnv();
  return createRegtestNode(stack.BITCOIND_RPC_URL, stack.BITCOIND_WALLET);
}
