import { execFileSync } from 'node:child_process';
import { repoRoot } from './stackEnv.js';

/**
 * Makes sure the real stack (bitcoind, PostgreSQL, Kafka) is up before integration
 * specs run; `regtest/up.sh` is idempotent and fast when everything already answers.
 */
export default function setup(): void {
  execFileSync(`${repoRoot}regtest/up.sh`, { stdio: ['ignore', 'inherit', 'inherit'], cwd: repoRoot });
}
