import { z } from 'zod';
import { httpUrl, logLevel, network, port, positiveInt, postgresUrl } from '#shared/config/fields.js';
import { loadConfig } from '#shared/config/loadConfig.js';

/** The trading service's environment, parsed once in main.ts. */
export const tradingConfigShape = {
  TRADING_PORT: port(28084),
  TRADING_HOST: z.string().min(1, 'must be a host name or IP address').default('127.0.0.1'),
  TRADING_DATABASE_URL: postgresUrl(),
  BITCOIND_RPC_URL: httpUrl(),
  BITCOIN_NETWORK: network(),
  FORKLINE_ADMIN_TOKEN: z
    .string({ required_error: 'is required' })
    .min(16, 'must be at least 16 characters (generate one with: openssl rand -hex 24)'),
  /** The largest order accepted, in satoshis (10 BTC by default). */
  TRADING_MAX_ORDER_SATS: positiveInt(1_000_000_000).refine(
    (n) => n <= 21_000_000 * 100_000_000,
    'must be at most 21 million BTC in satoshis',
  ),
  /** The bitcoind wallet that pays buys and receives sells. */
  TRADING_HOUSE_WALLET: z.string().min(1).default('forkline-house'),
  /** The bitcoind wallet holding the users' keys (regtest: it signs a sell for the user). */
  TRADING_USERS_WALLET: z.string().min(1).default('forkline-users'),
  /** What a sell must leave for its transaction's fee, beyond its amount. */
  TRADING_SELL_FEE_MARGIN_SATS: positiveInt(10_000),
  /** Fee rate of settlement transactions, sat/vB. */
  TRADING_FEE_RATE_SAT_VB: positiveInt(2),
  TRADING_SETTLEMENT_POLL_MS: positiveInt(1_000),
  /** The longest wait between two attempts at a failing settlement. */
  TRADING_SETTLEMENT_MAX_RETRY_MS: positiveInt(60_000),
  /** Confirmations after which a broadcast settlement is done: until then it is re-sent if lost. */
  TRADING_SETTLEMENT_BURIED_CONFIRMATIONS: positiveInt(6),
  TRADING_BODY_LIMIT_BYTES: positiveInt(128 * 1024),
  TRADING_DB_POOL_SIZE: positiveInt(10),
  /** Placement transactions at once; under load the placements waiting for one share it. */
  TRADING_PLACEMENT_CONCURRENCY: positiveInt(4),
  TRADING_PLACEMENT_GROUP_MAX: positiveInt(32).refine((n) => n <= 1_000, 'must be at most 1000'),
  LOG_LEVEL: logLevel(),
};

export type TradingConfig = ReturnType<typeof loadTradingConfig>;

export const loadTradingConfig = (env: NodeJS.ProcessEnv = process.env) =>
  loadConfig(tradingConfigShape, env);

/** What createTrading needs (tests pass these directly, without an environment). */
export interface TradingSettings {
  adminToken: string;
  network: TradingConfig['BITCOIN_NETWORK'];
  maxOrderSats: number;
  houseWallet: string;
  usersWallet: string;
  sellFeeMarginSats: number;
  feeRateSatVb: number;
  settlementPollMs: number;
  settlementMaxRetryMs: number;
  settlementBuriedConfirmations: number;
  bodyLimitBytes: number;
  placementConcurrency: number;
  placementGroupMax: number;
}

export const tradingSettingsFrom = (c: TradingConfig): TradingSettings => ({
  adminToken: c.FORKLINE_ADMIN_TOKEN,
  network: c.BITCOIN_NETWORK,
  maxOrderSats: c.TRADING_MAX_ORDER_SATS,
  houseWallet: c.TRADING_HOUSE_WALLET,
  usersWallet: c.TRADING_USERS_WALLET,
  sellFeeMarginSats: c.TRADING_SELL_FEE_MARGIN_SATS,
  feeRateSatVb: c.TRADING_FEE_RATE_SAT_VB,
  settlementPollMs: c.TRADING_SETTLEMENT_POLL_MS,
  settlementMaxRetryMs: c.TRADING_SETTLEMENT_MAX_RETRY_MS,
  settlementBuriedConfirmations: c.TRADING_SETTLEMENT_BURIED_CONFIRMATIONS,
  bodyLimitBytes: c.TRADING_BODY_LIMIT_BYTES,
  placementConcurrency: c.TRADING_PLACEMENT_CONCURRENCY,
  placementGroupMax: c.TRADING_PLACEMENT_GROUP_MAX,
});
