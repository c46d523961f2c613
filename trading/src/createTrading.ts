import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';
import type { RpcClient } from '#shared/bitcoind/rpcClient.js';
import type { Pool } from '#shared/db/pool.js';
import { ForklineError } from '#shared/errors/catalogue.js';
import { fromRoutingError, MAX_ECHOED_PATH, sendProblem, toForklineError } from '#shared/http/problem.js';
import type { Logger } from '#shared/logging/logger.js';
import { createMetricsRegistry } from '#shared/metrics/registry.js';
import type { TradingSettings } from './config.js';
import { selectHousePrice } from './db/housePrice.js';
import { selectSettlementBacklog } from './db/selectSettlementBacklog.js';
import { createAdminAuth } from './http/adminAuth.js';
import { strictValidation } from '#shared/http/validationMessage.js';
import { createTradingMetrics } from './metrics.js';
import { createPlacementGroups } from './orders/createPlacementGroups.js';
import type { FundingCheck } from './orders/fillOrder.js';
import { registerHealthRoutes } from './routes/healthRoutes.js';
import { registerOrderRoutes } from './routes/orderRoutes.js';
import { registerPriceRoutes } from './routes/priceRoutes.js';
import { createSettlementWorker, type SettlementWorker } from './settlement/createSettlementWorker.js';
import { createNodeWallets } from './wallet/nodeWallets.js';

export interface TradingDeps {
  settings: TradingSettings;
  /** The trading database: orders, price, settlements and their outbox. */
  db: Pool;
  rpc: RpcClient;
  log: Logger;
  metrics?: Registry;
}

export interface Trading {
  /** The HTTP API, not listening yet (tests drive it with inject()). */
  app: FastifyInstance;
  worker: SettlementWorker;
  /** Stops the worker, then the HTTP server; the pool is the caller's. */
  close(): Promise<void>;
}

/** Builds the trading service: its HTTP API and its settlement worker (started by the caller). */
export function createTrading(deps: TradingDeps): Trading {
  const { settings, db } = deps;
  const registry = deps.metrics ?? createMetricsRegistry('trading', false);
  const metrics = createTradingMetrics(registry, () => selectSettlementBacklog(db));
  const wallets = createNodeWallets({
    rpc: deps.rpc,
    houseWallet: settings.houseWallet,
    usersWallet: settings.usersWallet,
    feeRateSatVb: settings.feeRateSatVb,
    sellFeeMarginSats: settings.sellFeeMarginSats,
  });
  const funding: FundingCheck = {
    spendableSats: (addresses) => wallets.spendableSats(addresses),
    sellFeeMarginSats: settings.sellFeeMarginSats,
  };
  const worker = createSettlementWorker({
    db,
    wallets,
    log: deps.log,
    metrics,
    pollIntervalMs: settings.settlementPollMs,
    maxRetryMs: settings.settlementMaxRetryMs,
    buriedConfirmations: settings.settlementBuriedConfirmations,
  });

  const logger: FastifyBaseLogger = deps.log;
  const app = Fastify({
    loggerInstance: logger,
    bodyLimit: settings.bodyLimitBytes,
    return503OnClosing: true,
    ...strictValidation(),
    frameworkErrors: (err, request, reply) => {
      const problem = fromRoutingError(err, settings.bodyLimitBytes);
      metrics.problems.inc({ code: problem.code });
      sendProblem(reply, request, problem);
    },
  });
  app.removeContentTypeParser('text/plain');

  app.addHook('onResponse', (request, reply, done) => {
    const route = request.routeOptions.url ?? 'unmatched';
    metrics.requestSeconds.observe(
      { method: request.method, route, status: reply.statusCode },
      reply.elapsedTime / 1000,
    );
    done();
  });
  app.setErrorHandler((err, request, reply) => {
    const problem = toForklineError(err, settings.bodyLimitBytes);
    metrics.problems.inc({ code: problem.code });
    if (problem.code === 'INTERNAL') request.log.error({ err }, 'request failed');
    return sendProblem(reply, request, problem);
  });
  app.setNotFoundHandler((request, reply) => {
    metrics.problems.inc({ code: 'NOT_FOUND' });
    const path = request.url.split('?')[0] ?? '';
    const what =
      path.length <= MAX_ECHOED_PATH ? path : `for this path (longer than ${MAX_ECHOED_PATH} characters)`;
    return sendProblem(
      reply,
      request,
      new ForklineError('NOT_FOUND', `there is no route ${request.method} ${what}`),
    );
  });

  const placements = createPlacementGroups(db, {
    concurrency: settings.placementConcurrency,
    maxGroupSize: settings.placementGroupMax,
    onCommit: (n) => metrics.placementsPerTransaction.observe(n),
  });

  const routeDeps = {
    db,
    placements,
    settings,
    funding,
    adminOnly: createAdminAuth(settings.adminToken),
    settlementsDue: () => worker.wake(),
    registry,
    metrics,
    readStatus: async () => {
      const [price, settlements] = await Promise.all([selectHousePrice(db), selectSettlementBacklog(db)]);
      return {
        price: { priceEurCents: price.priceEurCents, setAt: price.setAt?.toISOString() ?? null },
        settlements: { ...settlements, worker: worker.status() },
      };
    },
  };
  registerHealthRoutes(app, routeDeps);
  registerPriceRoutes(app, routeDeps);
  registerOrderRoutes(app, routeDeps);

  return {
    app,
    worker,
    async close() {
      await worker.close();
      await app.close();
    },
  };
}
