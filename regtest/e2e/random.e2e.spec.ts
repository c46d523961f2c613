import { afterAll, beforeAll, describe, it } from 'vitest';
import { expectMatchesNode } from '../src/scenario/oracleCheck.js';
import { regtestFromStack, startForkline, type ForklineInstance } from '../src/scenario/forklineInstance.js';
import { createWalletUsers, type WalletUsers } from '../src/scenario/walletUsers.js';
import { seededRandom } from '#shared/testing/seededRandom.js';

// E2E_RANDOM_STEPS=200 E2E_SEED=7 npx vitest run regtest/e2e/random for a larger run.
const STEPS = Number(process.env.E2E_RANDOM_STEPS ?? 14);
const SEED = Number(process.env.E2E_SEED ?? 20261128);
const KILLABLE = ['crawler', 'relay', 'projector'] as const;

/**
 * A seeded random walk: sends among users and to outsiders (mined or left pending), fee
 * bumps and full-RBF replacements of pending payments, mining, reorgs up to depth 10
 * (re-mined, dropped, double-spent), and SIGKILLs of crawler, relay and projector. After
 * each step the BFF must agree with bitcoind: confirmed balances with the UTXO set,
 * pending figures and activities with the mempool.
 */
describe(`forkline end to end: a seeded random scenario (seed ${SEED}, ${STEPS} steps)`, () => {
  const node = regtestFromStack();
  const random = seededRandom(SEED);
  let forkline: ForklineInstance;
  let users: WalletUsers;
  const userIds = ['u1', 'u2', 'u3', 'u4'];
  /** Payments of the node's wallet that may still be pending: bumped or replaced at random. */
  let open: string[] = [];

  beforeAll(async () => {
    await node.ensureFunds(50);
    forkline = await startForkline('random', (await node.height()) - 25);
    users = createWalletUsers(node, forkline.bff);
    const types = ['bech32', 'legacy', 'p2sh-segwit', 'bech32m'] as const;
    for (const [i, id] of userIds.entries()) await users.register(id, [types[i % 4]!, types[(i + 1) % 4]!]);
    for (const id of userIds) await node.send(random.pick(users.addressesOf(id)), 1 + random.int(0, 3));
    await node.mine(11);
  }, 180_000);

  afterAll(async () => {
    await forkline?.stop();
  });

  it('agrees with the node after every step', async () => {
    const log: string[] = [];
    for (let step = 1; step <= STEPS; step++) {
      const action = await randomStep();
      log.push(`${step}: ${action}`);
      try {
        await expectMatchesNode(node, forkline.bff, users, 90_000);
      } catch (err) {
        throw new Error(
          `after step ${step} (seed ${SEED}): ${(err as Error).message}\nsteps:\n${log.join('\n')}\n--- recent output ---\n${forkline.recentLogs()}`,
        );
      }
    }
  });

  async function randomStep(): Promise<string> {
    const roll = random.next();
    if (roll < 0.35) {
      const from = random.pick(userIds);
      const to =
        random.next() < 0.7 ? random.pick(users.addressesOf(random.pick(userIds))) : await node.newAddress();
      const txid = await users.pay(from, { [to]: random.int(1, 50) / 100 });
      await node.mine(random.int(0, 2));
      return `pay ${from} -> ${to.slice(0, 12)} ${txid ?? '(cannot afford)'}`;
    }
    if (roll < 0.5) {
      const to = random.pick(userIds);
      open.push(await node.send(random.pick(users.addressesOf(to)), random.int(1, 100) / 100));
      const blocks = random.int(0, 2);
      await node.mine(blocks);
      if (blocks > 0) open = [];
      return `fund ${to}${blocks === 0 ? ' (left pending)' : ''}`;
    }
    if (roll < 0.6 && open.length > 0) {
      const victim = open.splice(random.int(0, open.length - 1), 1)[0]!;
      const inMempool = await node.rpc.call('getmempoolentry', [victim]).then(
        () => true,
        () => false,
      );
      if (!inMempool) return `${victim.slice(0, 8)} no longer pending`;
      if (random.next() < 0.5) {
        const bumped = await node.bumpFee(victim);
        open.push(bumped);
        return `bump ${victim.slice(0, 8)} → ${bumped.slice(0, 8)}`;
      }
      const replacement = await node.replaceTx(victim, await node.newAddress());
      return `replace ${victim.slice(0, 8)} → ${replacement.slice(0, 8)} paying an outsider`;
    }
    if (roll < 0.8) {
      const depth = random.int(1, 10);
      const variant = random.pick(['remine', 'drop', 'double-spend'] as const);
      let doubleSpend: string | undefined;
      if (variant === 'double-spend') {
        const txid = await node.send(random.pick(users.addressesOf(random.pick(userIds))), 0.05);
        await node.mine(1);
        doubleSpend = txid;
      }
      await node.reorg(depth, { dropTxs: variant === 'drop', ...(doubleSpend ? { doubleSpend } : {}) });
      open = [];
      return `reorg depth ${depth} (${variant})`;
    }
    const victim = random.pick(KILLABLE);
    const pid = forkline.supervisor.pid(victim);
    if (pid) process.kill(pid, 'SIGKILL');
    await node.mine(random.int(1, 2));
    return `SIGKILL ${victim}`;
  }
});
