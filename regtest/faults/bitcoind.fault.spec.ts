import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '#shared/testing/stackEnv.js';
import { waitFor } from '#shared/testing/waitFor.js';
import { regtestFromStack, startForkline, type ForklineInstance } from '../src/scenario/forklineInstance.js';
import { createWalletUsers, type WalletUsers } from '../src/scenario/walletUsers.js';
import { expectSettled } from '../src/scenario/expectSettled.js';

const run = promisify(execFile);
const USERS = ['kim', 'lee', 'max'];
const CATCH_UP_BLOCKS = 120;

/**
 * The node itself as the fault: bitcoind restarted while the crawler catches up on 120
 * blocks, restarted without its mempool while payments are pending, and a reorg of depth
 * 100. After each, every balance and pending figure equals what bitcoind says, no stream
 * lost a version, every stream is projected to its last version, nothing is parked.
 */
describe('faults: bitcoind restarts and a reorg of depth 100', () => {
  const node = regtestFromStack();
  let forkline: ForklineInstance;
  let users: WalletUsers;

  beforeAll(async () => {
    await node.ensureFunds(20);
    // One block per transaction and one fetch at a time: a catch-up long enough to stop in.
    forkline = await startForkline('faults_node', (await node.height()) - 2, {
      CRAWLER_CATCHUP_GROUP_BLOCKS: '1',
      CRAWLER_FETCH_CONCURRENCY: '1',
    });
    users = createWalletUsers(node, forkline.bff);
    for (const user of USERS) await users.register(user, ['bech32']);
  }, 300_000);
  afterAll(async () => {
    await forkline?.stop();
  });

  const check = async (what: string) => {
    const integrity = await expectSettled(node, forkline, users, () => Promise.resolve(`(after: ${what})`));
    console.info(`${what}:`, integrity);
  };

  it('bitcoind restarted in the middle of a 120-block catch-up', async () => {
    const crawlerTip = async () => {
      const res = await fetch(forkline.env.CRAWLER_STATUS_URL!).catch(() => undefined);
      const status = ((await res?.json()) ?? {}) as { ourTip?: { height: number } };
      return status.ourTip?.height ?? 0;
    };
    const tip = await node.height();
    const from = await waitFor(crawlerTip, (h) => h === tip, {
      what: 'the crawler at the tip',
      timeoutMs: 60_000,
    });
    // The crawler paused (SIGSTOP) while 120 blocks paying the users are mined: on SIGCONT
    // it has them to catch up on; paused again a few blocks in, the node restarts under it.
    const crawler = forkline.supervisor.pid('crawler')!;
    process.kill(crawler, 'SIGSTOP');
    for (let i = 0; i < CATCH_UP_BLOCKS; i++) {
      if (i % 4 === 0) await node.send(users.addressesOf(USERS[i % USERS.length]!)[0]!, 0.01);
      await node.mine(1);
    }
    const target = await node.height();
    process.kill(crawler, 'SIGCONT');
    const at = await waitFor(crawlerTip, (h) => h >= from + 5, {
      what: 'the catch-up under way',
      intervalMs: 2,
      timeoutMs: 60_000,
    });
    process.kill(crawler, 'SIGSTOP');
    try {
      await run(`${repoRoot}regtest/bitcoind.sh`, ['restart'], { cwd: repoRoot, timeout: 120_000 });
    } finally {
      process.kill(crawler, 'SIGCONT');
    }
    await node.ensureWallet('forkline');
    console.info(`bitcoind restarted with the crawler at ${at}, ${target - at} blocks behind`);
    expect(at).toBeLessThan(target);
    await check('bitcoind restarted mid catch-up');
  }, 300_000);

  it('bitcoind restarted without its mempool while payments are pending', async () => {
    for (const user of USERS) await node.send(users.addressesOf(user)[0]!, 0.02);
    await check('payments pending');
    await node.restartWithEmptyMempool();
    await check('bitcoind restarted with an empty mempool');
    await node.mine(1);
    await check('a block after the restart');
  }, 300_000);

  it('a reorg of depth 100: the disconnected blocks reverted, the new branch applied', async () => {
    for (let i = 0; i < 10; i++) {
      await node.send(users.addressesOf(USERS[i % USERS.length]!)[0]!, 0.003);
      await node.mine(10);
    }
    await check('100 blocks paying the users');
    await node.reorg(100);
    await check('after a reorg of depth 100');
  }, 300_000);
});
