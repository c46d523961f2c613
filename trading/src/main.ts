import { createRpcClient } from '#shared/bitcoind/rpcClient.js';
import { migrate } from '#shared/db/migrate.js';
import { createPool } from '#shared/db/pool.js';
import { gracefulShutdown } from '#shared/lifecycle/gracefulShutdown.js';
import { runMain } from '#shared/lifecycle/runMain.js';
import { createLogger } from '#shared/logging/logger.js';
import { createMetricsRegistry } from '#shared/metrics/registry.js';
import { retry } from '#shared/retry/retry.js';
import { loadTradingConfig, tradingSettingsFrom } from './config.js';
import { createTrading } from './createTrading.js';
import { ensureWallet } from './wallet/ensureWallet.js';

/**
 * The trading service: orders and the house price over HTTP, settled on chain by its
 * worker. Migrates its database, loads the node wallets (creating them on regtest),
 * listens; SIGTERM/SIGINT stop the worker and the server, then close the pool.
 */
runMain(async () => {
  const config = loadTradingConfig();
  const settings = tradingSettingsFrom(config);
  const log = createLogger('trading', config.LOG_LEVEL);
  const db = createPool({
    connectionString: config.TRADING_DATABASE_URL,
    max: config.TRADING_DB_POOL_SIZE,
    applicationName: 'forkline-trading',
    log,
  });
  const rpc = createRpcClient({ url: config.BITCOIND_RPC_URL, timeoutMs: 30_000 });
  const onRetry = (what: string) => (err: unknown, attempt: number, delayMs: number) =>
    log.warn({ err: (err as Error).message, attempt, delayMs }, `${what} failed, retrying`);
  await retry(() => migrate(db, 'trading', log), { maxRetryMs: 5_000, onRetry: onRetry('migrations') });
  // On regtest forkline owns both wallets; elsewhere the house wallet is the operator's.
  const regtest = settings.network === 'regtest';
  await retry(
    async () => {
      await ensureWallet(rpc, settings.houseWallet, regtest);
      if (regtest) await ensureWallet(rpc, settings.usersWallet, true);
    },
    { maxRetryMs: 5_000, onRetry: onRetry('loading the node wallets') },
  );
  const trading = createTrading({ settings, db, rpc, log, metrics: createMetricsRegistry('trading') });
  await trading.app.listen({ port: config.TRADING_PORT, host: config.TRADING_HOST });
  trading.worker.start();
  await gracefulShutdown(log, [
    trading,
    { close: () => db.end() },
    { close: () => Promise.resolve(rpc.close()) },
  ]);
});
