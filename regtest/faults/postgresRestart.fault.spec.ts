import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { repoRoot } from '#shared/testing/stackEnv.js';
import { waitFor } from '#shared/testing/waitFor.js';
import { regtestFromStack, startForkline, type ForklineInstance } from '../src/scenario/forklineInstance.js';
import { createWalletUsers, type WalletUsers } from '../src/scenario/walletUsers.js';
import { expectSettled } from '../src/scenario/expectSettled.js';
import { underSteadyLoad, type LoadCount } from '../src/scenario/steadyLoad.js';

const run = promisify(execFile);
const USERS = ['gil', 'hal', 'ivy', 'jon'];

/**
 * The PostgreSQL server under every side (online, views and trading databases) restarted
 * under a steady load of payments and blocks: once with a fast shutdown, once with an
 * immediate one (a crash: no checkpoint, recovery from the WAL). Every process waits,
 * retries and resumes; at the end every balance equals what bitcoind says, no stream lost
 * a version, every stream is projected to its last version, nothing is parked.
 */
describe('faults: PostgreSQL restarted under load', () => {
  const node = regtestFromStack();
  let forkline: ForklineInstance;
  let users: WalletUsers;
  const load: LoadCount = { payments: 0, blocks: 0 };

  beforeAll(async () => {
    await node.ensureFunds(10);
    forkline = await startForkline('faults_pg', (await node.height()) - 2);
    users = createWalletUsers(node, forkline.bff);
    for (const user of USERS) await users.register(user, ['bech32']);
  }, 300_000);
  afterAll(async () => {
    await forkline?.stop();
  });

  const restart = (mode: 'fast' | 'immediate') =>
    run(`${repoRoot}regtest/postgres.sh`, ['restart', mode], { cwd: repoRoot, timeout: 120_000 });

  it.each(['fast', 'immediate'] as const)(
    'restarted with a %s shutdown: nothing lost, nothing twice, balances right',
    async (mode) => {
      const started = Date.now();
      await underSteadyLoad(node, users, USERS, load, async () => {
        await restart(mode);
        // Until every process is back on the database, the BFF answers 503 or stale reads.
        await waitFor(
          () => forkline.bff.request('GET', '/readyz').then((r) => r.status),
          (s) => s === 200,
          { what: 'the BFF ready again', timeoutMs: 60_000 },
        );
      });
      const restartedMs = Date.now() - started;
      await node.mine(1);
      const integrity = await expectSettled(node, forkline, users);
      console.info(`PostgreSQL ${mode} restart:`, { ...load, restartedMs, ...integrity });
    },
    300_000,
  );
});
