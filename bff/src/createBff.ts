import Fastify, { type FastifyBaseLogger, type FastifyInstance, type RouteOptions } from 'fastify';
import { Gauge, type Registry } from 'prom-client';
import type { Pool } from '#shared/db/pool.js';
import { ForklineError } from '#shared/errors/catalogue.js';
import type { Logger } from '#shared/logging/logger.js';
import { createMetricsRegistry } from '#shared/metrics/registry.js';
import { readProjectionTip } from '#shared/views/readProjectionTip.js';
import { createAccessHook } from './auth/accessHook.js';
import { createAdminTokenCheck } from './auth/adminToken.js';
import { createRateLimitHook } from './auth/rateLimitHook.js';
import { createRequestAuthenticator } from './auth/requestAuth.js';
import { createUserTokens } from './auth/userTokens.js';
import { createBalanceBatcher } from './balance/balanceBatcher.js';
import { createTipWatcher } from './balance/tipWatcher.js';
import type { AppSettings } from './config.js';
import { readBalances } from './db/readBalances.js';
import {
  fromClientError,
  fromRoutingError,
  MAX_ECHOED_PATH,
  rawProblemResponse,
  sendProblem,
  toForklineError,
} from '#shared/http/problem.js';
import { createCursorCodec } from './http/cursor.js';
import { strictValidation } from '#shared/http/validationMessage.js';
import { fieldRules } from './http/schemas.js';
import { registerOpenApi } from './docs/registerOpenApi.js';
import { createBffMetrics } from './metrics.js';
import { registerActivityRoutes } from './routes/activityRoutes.js';
import { registerBalanceRoutes } from './routes/balanceRoutes.js';
import { registerAddressRoutes } from './routes/addressRoutes.js';
import { registerDescriptorRoutes } from './routes/descriptorRoutes.js';
import { registerDocsRoutes } from './routes/docsRoutes.js';
import { registerHealthRoutes } from './routes/healthRoutes.js';
import type { RouteDeps } from './routes/routeDeps.js';
import { registerStatusRoutes } from './routes/statusRoutes.js';
import { registerUserRoutes } from './routes/userRoutes.js';
import type { StatusSources } from './status/statusSources.js';
import type { TradingClient } from './orders/tradingClient.js';
import { registerOrderRoutes } from './routes/orderRoutes.js';
import { registerPriceRoutes } from './routes/priceRoutes.js';
import { registerPageRoutes } from './routes/pageRoutes.js';
import { registerEventRoutes } from './routes/eventRoutes.js';
import { createPgListener } from '#shared/db/createPgListener.js';
import { parseUserChangesNotice, USER_CHANGES_CHANNEL } from '#shared/views/userChanges.js';
import { createLiveHub } from './live/createLiveHub.js';

export interface BffDeps {
  settings: AppSettings;
  /** Commands write here (users, watched addresses, outbox). */
  online: Pool;
  /** Queries read here (the projection) and nowhere else. */
  views: Pool;
  /** The views database again, for the connection that LISTENs to the projector's changes. */
  viewsUrl: string;
  statusSources: StatusSources;
  /** The trading service (TRADING_URL): orders and the house price. */
  trading: TradingClient;
  log: Logger;
  metrics?: Registry;
  statusTimeoutMs?: number;
  tipPollIntervalMs?: number;
  /** Told of every route as it is registered (openapi.int.spec.ts checks each is documented). */
  onRoute?: (route: RouteOptions) => void;
}

/**
 * Builds the HTTP API without listening, so tests drive it with `inject()` and main.ts
 * decides where it listens. The pools belong to the caller (main.ts closes them in an
 * onClose hook); the app closes what it creates itself.
 */
export async function createBff(deps: BffDeps): Promise<FastifyInstance> {
  const { settings } = deps;
  // Typed as fastify's logger interface, so the instance is a plain FastifyInstance.
  const logger: FastifyBaseLogger = deps.log;
  const metrics = deps.metrics ?? createMetricsRegistry('bff', false);
  const bffMetrics = createBffMetrics(metrics);
  const app = Fastify({
    loggerInstance: logger,
    bodyLimit: settings.bodyLimitBytes,
    return503OnClosing: true,
    ...strictValidation(fieldRules),
    // A URL the router cannot take (bad percent-encoding, an over-long segment) is answered
    // before any route or error handler: without this, Fastify's own JSON echoes the URL.
    frameworkErrors: (err, request, reply) => {
      const problem = fromRoutingError(err, settings.bodyLimitBytes);
      bffMetrics.countProblem(problem.code);
      // No onResponse hook runs for these: the duration is recorded here.
      reply.raw.once('finish', () =>
        bffMetrics.observeRequest(request.method, 'unmatched', reply.statusCode, reply.elapsedTime / 1000),
      );
      sendProblem(reply, undefined, problem);
    },
    // What Node's HTTP parser refuses (a wrong Content-Length, oversized headers, a
    // timeout) never becomes a request: answered on the socket, as Node would, as a problem.
    clientErrorHandler: (err, socket) => {
      if (err.code === 'ECONNRESET' || socket.destroyed) return;
      const problem = fromClientError(err);
      bffMetrics.countProblem(problem.code);
      const inFlight = (socket as { _httpMessage?: { headersSent?: boolean } })._httpMessage;
      if (socket.writable && !inFlight?.headersSent) socket.write(rawProblemResponse(problem));
      socket.destroy(err);
    },
  });

  // JSON only: fastify also parses text/plain by default, which no route here takes.
  app.removeContentTypeParser('text/plain');
  // Bodies come as they are: a Content-Encoding (gzip, …) would be read as plain bytes and
  // parsed or refused by chance, so any coding but identity is refused before parsing.
  app.addHook('preParsing', (request, _reply, payload, done) => {
    const coding = request.headers['content-encoding'];
    if (coding !== undefined && coding.trim().toLowerCase() !== 'identity') {
      return done(
        new ForklineError(
          'UNSUPPORTED_MEDIA_TYPE',
          `Content-Encoding ${JSON.stringify(coding.slice(0, 40))} is not accepted: send the body uncompressed`,
        ),
      );
    }
    done(null, payload);
  });

  app.addHook('onResponse', (request, reply, done) => {
    const route = request.routeOptions.url ?? 'unmatched';
    bffMetrics.observeRequest(request.method, route, reply.statusCode, reply.elapsedTime / 1000);
    done();
  });

  app.setErrorHandler((err, request, reply) => {
    const problem = toForklineError(err, settings.bodyLimitBytes);
    bffMetrics.countProblem(problem.code);
    if (problem.code === 'INTERNAL') request.log.error({ err }, 'request failed');
    else if (problem.status >= 500) {
      request.log.warn(
        { code: problem.code, cause: (problem.cause as Error | undefined)?.message },
        problem.message,
      );
    }
    return sendProblem(reply, request, problem);
  });
  app.setNotFoundHandler((request, reply) => {
    bffMetrics.countProblem('NOT_FOUND');
    const path = request.url.split('?')[0] ?? '';
    const what =
      path.length <= MAX_ECHOED_PATH ? path : `for this path (longer than ${MAX_ECHOED_PATH} characters)`;
    return sendProblem(
      reply,
      request,
      new ForklineError('NOT_FOUND', `there is no route ${request.method} ${what}`),
    );
  });

  // An app-wide hook runs before the routes' own access hooks, so refused requests are
  // counted too (see rateLimitHook.ts).
  const authenticate = createRequestAuthenticator(
    createAdminTokenCheck(settings.adminToken),
    createUserTokens(settings.jwtSecret, settings.tokenRules),
  );
  app.addHook(
    'onRequest',
    createRateLimitHook({
      authenticate,
      perPrincipal: settings.rateLimitPerMinute,
      failuresPerIp: settings.authFailureLimitPerMinute,
    }),
  );

  const tipWatcher = createTipWatcher({
    readTipHeight: async () => (await readProjectionTip(deps.views))?.height ?? null,
    intervalMs: deps.tipPollIntervalMs ?? 25,
  });
  app.addHook('onClose', (_instance, done) => {
    tipWatcher.close();
    done();
  });

  const live = createLiveHub({ views: deps.views, log: deps.log, ...settings.live });
  // Its own connection (LISTEN is session state); every (re)connect catches subscribers up,
  // since notices sent while nobody listened are gone.
  const listener = createPgListener({
    connectionString: deps.viewsUrl,
    applicationName: 'forkline-bff-live',
    channel: USER_CHANGES_CHANNEL,
    onNotification: (payload) => {
      const notice = parseUserChangesNotice(payload);
      if (notice) live.notice(notice);
      else deps.log.warn({ payload: payload.slice(0, 200) }, 'unreadable live update notice ignored');
    },
    onListening: () => live.resync(),
    log: deps.log,
  });
  listener.start().catch(() => undefined); // closed before it listened
  new Gauge({
    name: 'forkline_bff_live_subscribers',
    help: 'Open live update streams',
    registers: [metrics],
    collect() {
      this.set(live.subscribers());
    },
  });
  // Before the server waits for open connections to end: live streams never end by themselves.
  app.addHook('preClose', async () => {
    live.close();
    await listener.close();
  });

  const routeDeps: RouteDeps = {
    online: deps.online,
    views: deps.views,
    network: settings.network,
    access: createAccessHook(authenticate),
    balances: createBalanceBatcher({ readBalances: (userIds) => readBalances(deps.views, userIds) }),
    tipWatcher,
    cursors: createCursorCodec(settings.jwtSecret),
    statusSources: deps.statusSources,
    trading: deps.trading,
    statusTimeoutMs: deps.statusTimeoutMs ?? 1_500,
    metrics,
    live,
  };
  if (deps.onRoute) app.addHook('onRoute', deps.onRoute);
  await registerOpenApi(app);
  registerHealthRoutes(app, routeDeps);
  registerUserRoutes(app, routeDeps);
  registerDescriptorRoutes(app, routeDeps);
  registerAddressRoutes(app, routeDeps);
  registerBalanceRoutes(app, routeDeps);
  registerActivityRoutes(app, routeDeps);
  registerStatusRoutes(app, routeDeps);
  registerOrderRoutes(app, routeDeps);
  registerPriceRoutes(app, routeDeps);
  await registerPageRoutes(app, settings.webDir);
  registerEventRoutes(app, routeDeps);
  await registerDocsRoutes(app);
  return app;
}
