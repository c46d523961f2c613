import { z } from 'zod';
import {
  bool,
  httpUrl,
  logLevel,
  network,
  nonNegativeInt,
  positiveInt,
  postgresUrl,
  zmqEndpoint,
} from '#shared/config/fields.js';
import { ConfigError, loadConfig } from '#shared/config/loadConfig.js';

/** Catching up: blocks per SQL transaction, and how close to the node's tip blocks go alone. */
export const CATCHUP_DEFAULTS = Object.freeze({ groupBlocks: 20, behindBlocks: 6 });

const shape = {
  BITCOIN_NETWORK: network(),
  BITCOIND_RPC_URL: httpUrl(),
  /** Optional: without it the crawler only polls. */
  BITCOIND_ZMQ_SEQUENCE: zmqEndpoint().optional(),
  ONLINE_DATABASE_URL: postgresUrl(),
  CRAWLER_POLL_INTERVAL_MS: positiveInt(2_000),
  /** Default 0 (genesis) on regtest; required elsewhere, where a scan from genesis is rarely meant. */
  CRAWLER_START_HEIGHT: nonNegativeInt(0).optional(),
  /** Follow the node's mempool (pending transactions); off: only mined ones are seen. */
  CRAWLER_MEMPOOL: bool(true),
  /** Longest time between full mempool snapshots while ZMQ announces every change. */
  CRAWLER_MEMPOOL_RESYNC_MS: positiveInt(10_000),
  CRAWLER_FETCH_CONCURRENCY: positiveInt(4).refine((n) => n <= 64, 'must be 64 or less'),
  /** Catching up: the most blocks applied in one SQL transaction (1: one block per transaction). */
  CRAWLER_CATCHUP_GROUP_BLOCKS: positiveInt(CATCHUP_DEFAULTS.groupBlocks).refine(
    (n) => n <= 1_000,
    'must be 1000 or less',
  ),
  /** A rescan (addresses learned late, or registered with history) scans this many stored blocks per transaction. */
  CRAWLER_RESCAN_CHUNK_BLOCKS: positiveInt(50).refine((n) => n <= 1_000, 'must be 1000 or less'),
  /** Blocks this close to the node's tip (the tip and the ones below it) go one per transaction. */
  CRAWLER_CATCHUP_BEHIND_BLOCKS: positiveInt(CATCHUP_DEFAULTS.behindBlocks),
  /** 0 picks a free port (tests). */
  CRAWLER_METRICS_PORT: nonNegativeInt(28_081).refine((n) => n <= 65_535, 'must be a port number 0-65535'),
  CRAWLER_METRICS_HOST: z.string().min(1).default('127.0.0.1'),
  LOG_LEVEL: logLevel(),
};

/** Mainnet's second block whose coinbase repeats an earlier coinbase's txid (BIP 30). */
const LAST_BIP30_DUPLICATE = 91_880;

export type CrawlerConfig = Readonly<
  Omit<ReturnType<typeof loadConfig<typeof shape>>, 'CRAWLER_START_HEIGHT'> & { CRAWLER_START_HEIGHT: number }
>;

export function loadCrawlerConfig(env: NodeJS.ProcessEnv = process.env): CrawlerConfig {
  // nonNegativeInt's default would hide a missing start height on mainnet: default only on regtest.
  const raw = env.CRAWLER_START_HEIGHT;
  const config = loadConfig(
    shape,
    raw === undefined || raw === '' ? { ...env, CRAWLER_START_HEIGHT: undefined } : env,
  );
  const { CRAWLER_START_HEIGHT: explicit } = config;
  if (raw === undefined || raw === '') {
    if (config.BITCOIN_NETWORK !== 'regtest') {
      throw new ConfigError(
        `invalid configuration: CRAWLER_START_HEIGHT: is required on ${config.BITCOIN_NETWORK} (the height of the first block that can pay a watched address) (missing)`,
      );
    }
    return Object.freeze({ ...config, CRAWLER_START_HEIGHT: 0 });
  }
  const startHeight = explicit ?? 0;
  if (config.BITCOIN_NETWORK === 'mainnet' && startHeight <= LAST_BIP30_DUPLICATE) {
    throw new ConfigError(
      `invalid configuration: CRAWLER_START_HEIGHT: must be above ${LAST_BIP30_DUPLICATE} on mainnet: ` +
        `the coinbases of blocks 91842 and 91880 repeat the txids of blocks 91812 and 91722 (BIP 30), ` +
        `which a wallet's outputs cannot tell apart; no address registered today was paid that early (got ${startHeight})`,
    );
  }
  return Object.freeze({ ...config, CRAWLER_START_HEIGHT: startHeight });
}
