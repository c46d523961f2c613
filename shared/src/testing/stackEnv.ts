import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
/** The local stack's data directory (`.run/`, or FORKLINE_RUN_DIR). */
export const runDir = process.env.FORKLINE_RUN_DIR ?? `${repoRoot}.run`;
export const stackEnvPath = `${runDir}/stack.env`;

export interface StackEnv {
  BITCOIND_RPC_URL: string;
  BITCOIND_ZMQ_SEQUENCE: string;
  BITCOIND_WALLET: string;
  ONLINE_DATABASE_URL: string;
  VIEWS_DATABASE_URL: string;
  TRADING_DATABASE_URL: string;
  KAFKA_BROKERS: string;
  BFF_URL: string;
  FORKLINE_ADMIN_TOKEN: string;
  FORKLINE_JWT_SECRET: string;
  [key: string]: string;
}

/** Reads `.run/stack.env` (written by `make up`): the addresses of the running stack. */
export function readStackEnv(path = stackEnvPath): StackEnv {
  const env: Record<string, string> = {};
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    const m = /^([A-Z_][A-Z0-9_]*)=(.*)$/.exec(line.trim());
    if (m) env[m[1]!] = m[2]!;
  }
  return env as StackEnv;
}
