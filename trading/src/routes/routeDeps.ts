import type { onRequestHookHandler } from 'fastify';
import type { Registry } from 'prom-client';
import type { Pool } from '#shared/db/pool.js';
import type { TradingSettings } from '../config.js';
import type { TradingMetrics } from '../metrics.js';
import type { PlacementGroups } from '../orders/createPlacementGroups.js';
import type { FundingCheck } from '../orders/fillOrder.js';

export interface RouteDeps {
  db: Pool;
  placements: PlacementGroups;
  settings: TradingSettings;
  funding: FundingCheck;
  adminOnly: onRequestHookHandler;
  /** Called after a commit that filled orders: their settlements are due. */
  settlementsDue: () => void;
  readStatus: () => Promise<unknown>;
  registry: Registry;
  metrics: TradingMetrics;
}
