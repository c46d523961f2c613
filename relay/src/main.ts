/**
 * The relay process: online DB outbox → Kafka. Reads its configuration, wires the pool,
 * Kafka client, relay and status server, and shuts down gracefully on SIGTERM/SIGINT.
 */
import { createPool } from '#shared/db/pool.js';
import { createKafka } from '#shared/kafka/createKafka.js';
import { gracefulShutdown } from '#shared/lifecycle/gracefulShutdown.js';
import { runMain } from '#shared/lifecycle/runMain.js';
import { createLogger } from '#shared/logging/logger.js';
import { createStatusServer } from '#shared/http/createStatusServer.js';
import { createMetricsRegistry } from '#shared/metrics/registry.js';
import { createRelay } from './createRelay.js';
import { loadRelayConfig } from './config.js';

runMain(async () => {
  const config = loadRelayConfig();
  const log = createLogger('relay', config.logLevel);
  const db = createPool({
    connectionString: config.onlineDatabaseUrl,
    // A connection per batch in flight, one for a stalled batch's removal, one for /status.
    max: config.relay.maxInFlightBatches + 2,
    applicationName: 'forkline-relay',
    log,
  });
  const kafka = createKafka({ brokers: config.kafkaBrokers, clientId: 'forkline-relay', log });
  const metrics = createMetricsRegistry('relay');
  const relay = createRelay({
    db,
    databaseUrl: config.onlineDatabaseUrl,
    kafka,
    log,
    config: config.relay,
    metrics,
  });
  const server = createStatusServer({
    port: config.metricsPort,
    host: config.metricsHost,
    registry: metrics,
    readStatus: () => relay.status(),
    log,
  });

  // Intake first (the relay finishes its batch), then the status server, the pool last.
  const stopped = gracefulShutdown(log, [relay, server, { close: () => db.end() }]);
  await server.start();
  await relay.start();
  await stopped;
});
