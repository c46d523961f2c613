import { createRpcClient } from '#shared/bitcoind/rpcClient.js';
import { createPool } from '#shared/db/pool.js';
import { gracefulShutdown } from '#shared/lifecycle/gracefulShutdown.js';
import { runMain } from '#shared/lifecycle/runMain.js';
import { createMetricsRegistry } from '#shared/metrics/registry.js';
import { createBff } from './createBff.js';
import { appSettingsFrom, loadBffConfig } from './config.js';
import { createBffLogger } from './logging.js';
import { createStatusSources } from './status/statusSources.js';
import { createTradingClient } from './orders/tradingClient.js';

/** The BFF process: config, pools, app, listen; SIGTERM/SIGINT stop intake, then close pools. */
runMain(async () => {
  const config = loadBffConfig();
  const log = createBffLogger(config.LOG_LEVEL);
  const online = createPool({
    connectionString: config.ONLINE_DATABASE_URL,
    max: config.BFF_DB_POOL_SIZE,
    applicationName: 'forkline-bff',
    log,
  });
  const views = createPool({
    connectionString: config.VIEWS_DATABASE_URL,
    max: config.BFF_DB_POOL_SIZE,
    applicationName: 'forkline-bff',
    log,
  });
  const rpc = createRpcClient({ url: config.BITCOIND_RPC_URL, timeoutMs: config.BFF_STATUS_TIMEOUT_MS });
  const trading = createTradingClient({
    baseUrl: config.TRADING_URL,
    token: config.FORKLINE_ADMIN_TOKEN,
    timeoutMs: config.TRADING_TIMEOUT_MS,
  });
  const app = await createBff({
    settings: appSettingsFrom(config),
    online,
    views,
    viewsUrl: config.VIEWS_DATABASE_URL,
    log,
    metrics: createMetricsRegistry('bff'),
    statusTimeoutMs: config.BFF_STATUS_TIMEOUT_MS,
    trading,
    statusSources: createStatusSources({
      rpc,
      online,
      views,
      crawlerStatusUrl: config.CRAWLER_STATUS_URL,
      timeoutMs: config.BFF_STATUS_TIMEOUT_MS,
    }),
  });
  // Pools close after the server has stopped taking requests and drained the open ones.
  app.addHook('onClose', async () => {
    await Promise.all([online.end(), views.end(), trading.close()]);
  });
  await app.listen({ port: config.BFF_PORT, host: config.BFF_HOST });
  await gracefulShutdown(log, [{ close: () => app.close() }]);
});
