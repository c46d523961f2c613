import { spawn, type ChildProcess } from 'node:child_process';
import { repoRoot } from '#shared/testing/stackEnv.js';
import type { Harness } from './crawlerHarness.js';

export interface CrawlerProcess {
  child: ChildProcess;
  /** Everything it printed so far. */
  output(): string;
  /** A wait that fails with the crawler's own last words: it may have died at start. */
  withOutput<T>(waiting: Promise<T>): Promise<T>;
}

/**
 * The crawler's main.ts as a process against the harness's databases and node.
 * `node --import tsx` rather than `npx tsx`: one process, so SIGKILL and SIGTERM reach
 * the crawler itself and not a wrapper that leaves it running (npx) or relays a second
 * signal (tsx's CLI).
 */
export function spawnCrawler(h: Harness, env: Record<string, string>): CrawlerProcess {
  let output = '';
  const child = spawn(process.execPath, ['--import', 'tsx', 'crawler/src/main.ts'], {
    cwd: repoRoot,
    env: {
      ...process.env,
      BITCOIN_NETWORK: 'regtest',
      BITCOIND_RPC_URL: h.stack.BITCOIND_RPC_URL,
      BITCOIND_ZMQ_SEQUENCE: h.stack.BITCOIND_ZMQ_SEQUENCE,
      ONLINE_DATABASE_URL: h.db.onlineUrl,
      CRAWLER_START_HEIGHT: String(h.startHeight),
      CRAWLER_POLL_INTERVAL_MS: '200',
      CRAWLER_FETCH_CONCURRENCY: '2',
      LOG_LEVEL: 'info',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  return {
    child,
    output: () => output,
    withOutput: (waiting) =>
      waiting.catch((err: Error) => {
        throw new Error(`${err.message}\n--- crawler output ---\n${output.slice(-3000)}`);
      }),
  };
}
