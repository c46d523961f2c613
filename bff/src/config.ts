import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { httpUrl, logLevel, network, port, positiveInt, postgresUrl } from '#shared/config/fields.js';
import { loadConfig } from '#shared/config/loadConfig.js';
import { DEFAULT_TOKEN_RULES, type UserTokenRules } from './auth/userTokens.js';

/** Where `make web` writes the wallet page and the operator page: the checkout's web/dist. */
export const DEFAULT_WEB_DIR = fileURLToPath(new URL('../../web/dist', import.meta.url));

/** The BFF's environment, parsed once in main.ts. */
export const bffConfigShape = {
  BFF_PORT: port(28080),
  BFF_HOST: z.string().min(1, 'must be a host name or IP address').default('127.0.0.1'),
  ONLINE_DATABASE_URL: postgresUrl(),
  VIEWS_DATABASE_URL: postgresUrl(),
  BITCOIND_RPC_URL: httpUrl(),
  BITCOIN_NETWORK: network(),
  CRAWLER_STATUS_URL: httpUrl().default('http://127.0.0.1:28081/status'),
  TRADING_URL: httpUrl().default('http://127.0.0.1:28084'),
  TRADING_TIMEOUT_MS: positiveInt(5_000),
  FORKLINE_ADMIN_TOKEN: z
    .string({ required_error: 'is required' })
    .min(16, 'must be at least 16 characters (generate one with: openssl rand -hex 24)'),
  FORKLINE_JWT_SECRET: z
    .string({ required_error: 'is required' })
    .min(32, 'must be at least 32 characters (generate one with: openssl rand -hex 32)'),
  /** The longest user-token lifetime accepted (exp − iat). */
  FORKLINE_JWT_MAX_TTL_S: positiveInt(DEFAULT_TOKEN_RULES.maxLifetimeSeconds),
  /** Optional: user tokens must carry (and are minted with) this iss / aud. */
  FORKLINE_JWT_ISSUER: z.string().min(1).optional(),
  FORKLINE_JWT_AUDIENCE: z.string().min(1).optional(),
  BFF_RATE_LIMIT_PER_MINUTE: positiveInt(600),
  BFF_AUTH_FAILURE_LIMIT_PER_MINUTE: positiveInt(60),
  BFF_BODY_LIMIT_BYTES: positiveInt(16 * 1024),
  BFF_DB_POOL_SIZE: positiveInt(20),
  BFF_STATUS_TIMEOUT_MS: positiveInt(1_500),
  /** The built pages (index.html, ops.html, assets/) served at / and /ops; relative to the working directory. */
  BFF_WEB_DIR: z.string().min(1, 'must be a directory path').default(DEFAULT_WEB_DIR),
  /** Live update streams (GET /v1/users/:id/events) one process keeps open at most. */
  BFF_SSE_MAX_SUBSCRIBERS: positiveInt(10_000),
  BFF_SSE_HEARTBEAT_MS: positiveInt(15_000),
  /** A live client that leaves sent bytes unread this long is disconnected. */
  BFF_SSE_STALL_MS: positiveInt(30_000),
  LOG_LEVEL: logLevel(),
};

export type BffConfig = ReturnType<typeof loadBffConfig>;

export const loadBffConfig = (env: NodeJS.ProcessEnv = process.env) => loadConfig(bffConfigShape, env);

/** The settings createBff needs (tests pass these directly, without an environment). */
export interface AppSettings {
  network: BffConfig['BITCOIN_NETWORK'];
  adminToken: string;
  jwtSecret: string;
  tokenRules: UserTokenRules;
  rateLimitPerMinute: number;
  authFailureLimitPerMinute: number;
  bodyLimitBytes: number;
  /** The built pages' directory (absolute). */
  webDir: string;
  live: { maxSubscribers: number; heartbeatMs: number; stallMs: number };
}

export const appSettingsFrom = (config: BffConfig): AppSettings => ({
  network: config.BITCOIN_NETWORK,
  adminToken: config.FORKLINE_ADMIN_TOKEN,
  jwtSecret: config.FORKLINE_JWT_SECRET,
  tokenRules: {
    ...DEFAULT_TOKEN_RULES,
    maxLifetimeSeconds: config.FORKLINE_JWT_MAX_TTL_S,
    issuer: config.FORKLINE_JWT_ISSUER,
    audience: config.FORKLINE_JWT_AUDIENCE,
  },
  rateLimitPerMinute: config.BFF_RATE_LIMIT_PER_MINUTE,
  authFailureLimitPerMinute: config.BFF_AUTH_FAILURE_LIMIT_PER_MINUTE,
  bodyLimitBytes: config.BFF_BODY_LIMIT_BYTES,
  webDir: resolve(config.BFF_WEB_DIR),
  live: {
    maxSubscribers: config.BFF_SSE_MAX_SUBSCRIBERS,
    heartbeatMs: config.BFF_SSE_HEARTBEAT_MS,
    stallMs: config.BFF_SSE_STALL_MS,
  },
});
