import { execFile } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKafka } from '#shared/kafka/createKafka.js';
import { createLogger } from '#shared/logging/logger.js';
import { readStackEnv, repoRoot } from '#shared/testing/stackEnv.js';
import { waitFor } from '#shared/testing/waitFor.js';
import { expectMatchesNode } from '../src/scenario/oracleCheck.js';
import { regtestFromStack, startForkline, type ForklineInstance } from '../src/scenario/forklineInstance.js';
import { checkStreamIntegrity } from '../src/scenario/streamIntegrity.js';
import { createWalletUsers, type WalletUsers } from '../src/scenario/walletUsers.js';

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
  const log = createLogger('faults', 'silent');
  let forkline: ForklineInstance;
  let users: WalletUsers;
  let payments = 0;

  beforeAll(async () => {
    await node.ensureFunds(10);
    forkline = await startForkline('faults_pg', (await node.height()) - 2);
    users = createWalletUsers(node, forkline.bff);
    for (const user of USERS) await users.register(user, ['bech32']);
  }, 300_000);
  afterAll(async () => {
    await forkline?.stop();
  });

  /** Payments every ~200 ms (a block every 6th) while `fault` runs, and 3 s before and after. */
  async function underLoad(fault: () => Promise<void>) {
    let running = true;
    const load = (async () => {
      for (let next = 1; running; next++) {
        // The node is not the fault: its calls succeed throughout.
        await node.send(users.addressesOf(USERS[next % USERS.length]!)[0]!, 0.001 * (1 + (next % 5)));
        payments++;
        if (next % 6 === 0) await node.mine(1);
        await sleep(200);
      }
    })();
    await sleep(3_000);
    await fault();
    await sleep(3_000);
    running = false;
    await load;
  }

  const restart = (mode: 'fast' | 'immediate') =>
    run(`${repoRoot}regtest/postgres.sh`, ['restart', mode], { cwd: repoRoot, timeout: 120_000 });

  it.each(['fast', 'immediate'] as const)(
    'restarted with a %s shutdown: nothing lost, nothing twice, balances right',
    async (mode) => {
      const started = Date.now();
      await underLoad(async () => {
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
      try {
        await expectMatchesNode(node, forkline.bff, users, 120_000);
      } catch (err) {
        throw new Error(`${(err as Error).message}\n--- recent process output ---\n${forkline.recentLogs()}`);
      }
      const integrity = await checkStreamIntegrity({
        kafka: createKafka({
          brokers: readStackEnv().KAFKA_BROKERS.split(','),
          clientId: 'faults-check',
          log,
        }),
        topic: forkline.env.RELAY_TOPIC!,
        writers: [forkline.dbs.online, forkline.tradingDb.pool],
        views: forkline.dbs.views,
      });
      console.info(`PostgreSQL ${mode} restart:`, {
        payments,
        ...integrity,
        behindStreams: integrity.behindStreams.length,
        convergedMs: Date.now() - started - restartedMs,
      });
      expect(integrity.lost).toBe(0);
      expect(integrity.behindStreams).toEqual([]);
      expect(integrity.parked).toBe(0);
    },
    300_000,
  );
});
