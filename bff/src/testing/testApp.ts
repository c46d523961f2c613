import type { FastifyInstance, LightMyRequestResponse, RouteOptions } from 'fastify';
import type { DestinationStream } from 'pino';
import { createRpcClient } from '#shared/bitcoind/rpcClient.js';
import { readStackEnv } from '#shared/testing/stackEnv.js';
import { createTestDatabases, type TestDatabases } from '#shared/testing/testDatabases.js';
import { createBff } from '../createBff.js';
import { createUserTokens, DEFAULT_TOKEN_RULES } from '../auth/userTokens.js';
import { DEFAULT_WEB_DIR, type AppSettings } from '../config.js';
import { createBffLogger } from '../logging.js';
import { createStatusSources, type StatusSources } from '../status/statusSources.js';
import { createTradingClient, type TradingClient } from '../orders/tradingClient.js';

export const TEST_ADMIN_TOKEN = 'test-admin-token-0123456789abcdef';
export const TEST_JWT_SECRET = 'test-jwt-secret-0123456789abcdef0123456789';

export interface TestApp {
  app: FastifyInstance;
  dbs: TestDatabases;
  tokens: ReturnType<typeof createUserTokens>;
  admin: { authorization: string };
  userAuth(userId: string, ttlSeconds?: number): { authorization: string };
  /** Closes the app and drops its databases. */
  close(): Promise<void>;
}

export interface TestAppOptions {
  settings?: Partial<AppSettings>;
  statusSources?: Partial<StatusSources>;
  /** Reuse databases (several apps over one pair); they are then not dropped by close(). */
  dbs?: TestDatabases;
  logDestination?: DestinationStream;
  crawlerStatusUrl?: string;
  /** Where the trading service answers; by default nowhere (its routes answer 503). */
  tradingUrl?: string;
  /** Or a client of its own, to see exactly what the BFF asks of the trading service. */
  trading?: TradingClient;
  /** Told of every route as the app registers it. */
  onRoute?: (route: RouteOptions) => void;
}

/** The BFF over a fresh pair of databases, against the running stack's bitcoind. */
export async function createTestApp(label: string, options: TestAppOptions = {}): Promise<TestApp> {
  const dbs = options.dbs ?? (await createTestDatabases(label));
  const stack = readStackEnv();
  const sources = createStatusSources({
    rpc: createRpcClient({ url: stack.BITCOIND_RPC_URL, timeoutMs: 2_000 }),
    online: dbs.online,
    views: dbs.views,
    // Nothing listens on port 9 (discard): "the crawler is not running".
    crawlerStatusUrl: options.crawlerStatusUrl ?? 'http://127.0.0.1:9/status',
    timeoutMs: 1_000,
  });
  const settings: AppSettings = {
    network: 'regtest',
    adminToken: TEST_ADMIN_TOKEN,
    jwtSecret: TEST_JWT_SECRET,
    tokenRules: DEFAULT_TOKEN_RULES,
    rateLimitPerMinute: 100_000,
    authFailureLimitPerMinute: 100_000,
    bodyLimitBytes: 16 * 1024,
    webDir: DEFAULT_WEB_DIR,
    live: { maxSubscribers: 100, heartbeatMs: 15_000, stallMs: 30_000 },
    ...options.settings,
  };
  const trading =
    options.trading ??
    createTradingClient({
      baseUrl: options.tradingUrl ?? 'http://127.0.0.1:9',
      token: settings.adminToken,
      timeoutMs: 2_000,
    });
  const app = await createBff({
    settings,
    online: dbs.online,
    views: dbs.views,
    viewsUrl: dbs.viewsUrl,
    log: createBffLogger(options.logDestination ? 'info' : 'silent', options.logDestination),
    statusSources: { ...sources, ...options.statusSources },
    statusTimeoutMs: 1_000,
    tipPollIntervalMs: 20,
    trading,
    ...(options.onRoute ? { onRoute: options.onRoute } : {}),
  });
  const tokens = createUserTokens(settings.jwtSecret, settings.tokenRules);
  return {
    app,
    dbs,
    tokens,
    admin: { authorization: `Bearer ${settings.adminToken}` },
    userAuth: (userId, ttlSeconds = 600) => ({ authorization: `Bearer ${tokens.sign(userId, ttlSeconds)}` }),
    async close() {
      await app.close();
      if (!options.trading) await trading.close();
      if (!options.dbs) await dbs.drop();
    },
  };
}

/** The parsed JSON of an inject() answer. */
export const json = <T = Record<string, unknown>>(res: LightMyRequestResponse): T => res.json<T>();
