import type { Registry } from 'prom-client';
import type { NetworkName } from '#shared/bitcoin/networks.js';
import type { Pool } from '#shared/db/pool.js';
import type { AccessHook } from '../auth/accessHook.js';
import type { BalanceBatcher } from '../balance/balanceBatcher.js';
import type { TipWatcher } from '../balance/tipWatcher.js';
import type { CursorCodec } from '../http/cursor.js';
import type { LiveHub } from '../live/createLiveHub.js';
import type { StatusSources } from '../status/statusSources.js';
import type { TradingClient } from '../orders/tradingClient.js';

/** What the route modules need, handed down by createBff. */
export interface RouteDeps {
  online: Pool;
  views: Pool;
  network: NetworkName;
  access: AccessHook;
  /** Balance reads, coalesced across concurrent requests. */
  balances: BalanceBatcher;
  tipWatcher: TipWatcher;
  /** Activity page cursors, bound to their user. */
  cursors: CursorCodec;
  statusSources: StatusSources;
  /** Orders and the house price live in the trading service, reached over HTTP. */
  trading: TradingClient;
  statusTimeoutMs: number;
  metrics: Registry;
  /** Live update streams: the projector's changes pushed to subscribers. */
  live: LiveHub;
}
