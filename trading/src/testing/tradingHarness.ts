import { createRpcClient } from '#shared/bitcoind/rpcClient.js';
import type { RecordedEvent } from '#shared/events/types.js';
import { createLogger } from '#shared/logging/logger.js';
import { readStackEnv } from '#shared/testing/stackEnv.js';
import { createTestDatabase, type TestDatabase } from '#shared/testing/testDatabases.js';
import type { TradingSettings } from '../config.js';
import { createTrading, type Trading } from '../createTrading.js';
import { ensureWallet } from '../wallet/ensureWallet.js';

export interface TradingHarness {
  trading: Trading;
  db: TestDatabase;
  settings: TradingSettings;
  /** An authenticated request through inject(); `token: null` sends none. */
  call(
    method: 'GET' | 'PUT' | 'POST' | 'DELETE',
    url: string,
    body?: unknown,
    options?: { token?: string | null; headers?: Record<string, string> },
  ): Promise<{ status: number; json: Record<string, unknown>; contentType: string }>;
  /** A digest of every table's rows: equal before and after means nothing was written. */
  fingerprint(): Promise<string>;
  /** The outbox events of one order's stream, in version order. */
  orderEvents(orderId: string): Promise<Pick<RecordedEvent, 'type' | 'version' | 'payload'>[]>;
  close(): Promise<void>;
}

const TABLES = ['house_price', 'orders', 'idempotency_keys', 'settlements', 'outbox', 'stream_versions'];

/**
 * The trading service on a fresh trading database and the stack's regtest node (its
 * wallets made as on regtest); the settlement worker is not started.
 */
export async function createTradingHarness(
  label: string,
  overrides: Partial<TradingSettings> = {},
): Promise<TradingHarness> {
  const stack = readStackEnv();
  const db = await createTestDatabase('trading', label);
  const settings: TradingSettings = {
    adminToken: stack.FORKLINE_ADMIN_TOKEN,
    network: 'regtest',
    maxOrderSats: 1_000_000_000,
    houseWallet: 'forkline-house',
    usersWallet: 'forkline-users',
    sellFeeMarginSats: 10_000,
    feeRateSatVb: 2,
    settlementPollMs: 100,
    settlementMaxRetryMs: 2_000,
    settlementBuriedConfirmations: 6,
    bodyLimitBytes: 128 * 1024,
    placementConcurrency: 4,
    placementGroupMax: 32,
    ...overrides,
  };
  const rpc = createRpcClient({ url: stack.BITCOIND_RPC_URL });
  await ensureWallet(rpc, settings.houseWallet, true);
  await ensureWallet(rpc, settings.usersWallet, true);
  const trading = createTrading({ settings, db: db.pool, rpc, log: createLogger('trading-test', 'silent') });
  await trading.app.ready();
  return {
    trading,
    db,
    settings,
    async call(method, url, body, options = {}) {
      const token = options.token === undefined ? settings.adminToken : options.token;
      const res = await trading.app.inject({
        method,
        url,
        headers: {
          ...(token === null ? {} : { authorization: `Bearer ${token}` }),
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...options.headers,
        },
        ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
      });
      return {
        status: res.statusCode,
        json: res.body === '' ? {} : res.json<Record<string, unknown>>(),
        contentType: String(res.headers['content-type'] ?? ''),
      };
    },
    async fingerprint() {
      const parts: string[] = [];
      for (const table of TABLES) {
        const { rows } = await db.pool.query<{ digest: string }>(
          `SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) AS digest FROM ${table} t`,
        );
        parts.push(`${table}:${rows[0]!.digest}`);
      }
      return parts.join(' ');
    },
    async orderEvents(orderId) {
      const { rows } = await db.pool.query<Pick<RecordedEvent, 'type' | 'version' | 'payload'>>(
        `SELECT type, version, payload FROM outbox WHERE stream = $1 ORDER BY version`,
        [`order:${orderId}`],
      );
      return rows;
    },
    async close() {
      await trading.close();
      rpc.close();
      await db.drop();
    },
  };
}
