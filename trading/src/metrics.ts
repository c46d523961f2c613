import { Counter, Histogram, type Registry } from 'prom-client';
import { registerScrapedGauges } from '#shared/metrics/scrapedGauges.js';
import type { SettlementBacklog } from './db/selectSettlementBacklog.js';

export interface TradingMetrics {
  orders: Counter<'outcome'>;
  settlementsBroadcast: Counter<'side'>;
  settlementFailures: Counter<'step'>;
  settlementsResent: Counter<'side'>;
  settlementChecks: Counter;
  problems: Counter<'code'>;
  requestSeconds: Histogram<'method' | 'route' | 'status'>;
  placementsPerTransaction: Histogram;
}

/**
 * The trading service's Prometheus metrics on the process's registry. The settlement
 * backlog is read from the database at scrape time, so it is right even while the
 * worker is stuck.
 */
export function createTradingMetrics(
  registry: Registry,
  readBacklog: () => Promise<SettlementBacklog>,
): TradingMetrics {
  const registers = [registry];
  registerScrapedGauges(registry, readBacklog, [
    {
      name: 'forkline_trading_settlements_pending',
      help: 'Filled orders whose settlement transaction is not broadcast yet',
      value: (b) => b.pending,
    },
    {
      name: 'forkline_trading_settlements_failing',
      help: 'Settlements whose last attempt failed (retried with backoff): pending, or lost by the node and not sent again yet',
      value: (b) => b.failing,
    },
    {
      name: 'forkline_trading_settlements_unburied',
      help: 'Broadcast settlements not yet buried under the configured confirmations (checked, re-sent if lost)',
      value: (b) => b.unburied,
    },
    {
      name: 'forkline_trading_settlements_conflicted',
      help: 'Broadcast settlements double-spent by a confirmed transaction: they never confirm, the operator decides',
      value: (b) => b.conflicted,
    },
  ]);
  return {
    orders: new Counter({
      name: 'forkline_trading_orders_total',
      help: 'Order outcomes: placed, filled, rejected, cancelled',
      labelNames: ['outcome'],
      registers,
    }),
    settlementsBroadcast: new Counter({
      name: 'forkline_trading_settlements_broadcast_total',
      help: 'Settlement transactions sent to the node',
      labelNames: ['side'],
      registers,
    }),
    settlementFailures: new Counter({
      name: 'forkline_trading_settlement_failures_total',
      help: 'Failed settlement attempts by step (sign, broadcast, or resend of a lost transaction)',
      labelNames: ['step'],
      registers,
    }),
    settlementsResent: new Counter({
      name: 'forkline_trading_settlements_resent_total',
      help: 'Settlement transactions the node had lost (neither in a block nor in its mempool), sent again with the same bytes',
      labelNames: ['side'],
      registers,
    }),
    settlementChecks: new Counter({
      name: 'forkline_trading_settlement_checks_total',
      help: 'Checks of broadcast settlements not yet buried',
      registers,
    }),
    placementsPerTransaction: new Histogram({
      name: 'forkline_trading_placements_per_transaction',
      help: 'Placements committed together in one transaction (group commit under load)',
      buckets: [1, 2, 4, 8, 16, 32, 64],
      registers,
    }),
    problems: new Counter({
      name: 'forkline_trading_problems_total',
      help: 'Error answers by problem code',
      labelNames: ['code'],
      registers,
    }),
    requestSeconds: new Histogram({
      name: 'forkline_trading_http_request_duration_seconds',
      help: 'HTTP request duration by route and status',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 5],
      registers,
    }),
  };
}
