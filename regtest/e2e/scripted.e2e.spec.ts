import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectMatchesNode } from '../src/scenario/oracleCheck.js';
import { regtestFromStack, startForkline, type ForklineInstance } from '../src/scenario/forklineInstance.js';
import { createWalletUsers, type WalletUsers } from '../src/scenario/walletUsers.js';
import { waitFor } from '#shared/testing/waitFor.js';

/**
 * A scripted scenario over the real HTTP API, with the four processes started as
 * `forkline run` starts them. After every step the BFF must agree with bitcoind.
 */
describe('forkline end to end: a scripted scenario', () => {
  const node = regtestFromStack();
  let forkline: ForklineInstance;
  let users: WalletUsers;

  beforeAll(async () => {
    await node.ensureFunds(20);
    forkline = await startForkline('scripted', (await node.height()) - 15);
    users = createWalletUsers(node, forkline.bff);
    await users.register('alice', ['bech32', 'legacy']);
    await users.register('bob', ['p2sh-segwit', 'bech32m']);
    await users.register('carol', ['bech32']);
  }, 180_000);

  afterAll(async () => {
    await forkline?.stop();
  });

  const check = async () => {
    try {
      return await expectMatchesNode(node, forkline.bff, users);
    } catch (err) {
      throw new Error(`${(err as Error).message}\n--- recent process output ---\n${forkline.recentLogs()}`);
    }
  };

  it('receives: a payment to two users confirms', async () => {
    await node.send(users.addressesOf('alice')[0]!, 2);
    await node.send(users.addressesOf('bob')[1]!, 1);
    await node.mine(1);
    const checks = await check();
    expect(checks.find((c) => c.userId === 'alice')?.balance.confirmedSats).toBe(200_000_000);
    expect(checks.find((c) => c.userId === 'bob')?.balance.confirmedSats).toBe(100_000_000);
  });

  it('/v1/status shows every component at the node’s tip', async () => {
    const height = await node.height();
    const status = await waitFor(
      async () =>
        (
          await forkline.bff.request<Record<string, { available: boolean; tip?: { height: number } }>>(
            'GET',
            '/v1/status',
          )
        ).body,
      (s) => s.crawler?.tip?.height === height && s.projector?.tip?.height === height,
      { what: 'crawler and projector at the node tip in /v1/status' },
    );
    expect(status.node).toMatchObject({ available: true, tip: { height } });
    expect(status.crawler).toMatchObject({ available: true, lagBlocks: 0 });
    expect(status.outbox).toMatchObject({ available: true });
    expect(status.projector).toMatchObject({
      available: true,
      lagBlocks: 0,
      parkedEvents: 0,
      deadLetters: 0,
    });
  });

  it('one transaction touching three users, change back to the sender', async () => {
    const txid = await users.pay('alice', {
      [users.addressesOf('bob')[0]!]: 0.5,
      [users.addressesOf('carol')[0]!]: 0.2,
    });
    expect(txid).toBeDefined();
    await node.mine(1);
    await check();
    const activities = await forkline.bff.allActivities('alice');
    // change came back to alice, but she paid others: a send
    expect(activities[0]).toMatchObject({ txid, type: 'withdrawal', status: 'confirmed' });
    expect((await forkline.bff.allActivities('carol'))[0]).toMatchObject({
      txid,
      type: 'receive',
      amountSats: 20_000_000,
    });
  });

  it('a self-transfer between a user’s own addresses costs only the fee', async () => {
    const before = await users.oracle('bob');
    const txid = await users.pay('bob', { [users.addressesOf('bob')[1]!]: 0.3 });
    await node.mine(1);
    await check();
    const [activity] = await forkline.bff.allActivities('bob');
    expect(activity).toMatchObject({ txid, type: 'self', status: 'confirmed' });
    const fee = -activity!.amountSats;
    expect(fee).toBeGreaterThan(0);
    expect(fee).toBeLessThan(10_000);
    expect(await users.oracle('bob')).toBe(before - fee);
  });

  it('a reorg of depth 2 that re-mines the same transactions', async () => {
    await users.pay('bob', { [users.addressesOf('carol')[0]!]: 0.1 });
    await node.mine(1);
    await check();
    await node.reorg(2);
    await check();
  });

  it('a reorg that drops a payment returns it to pending, then it confirms again', async () => {
    const txid = await users.pay('alice', { [users.addressesOf('carol')[0]!]: 0.3 });
    const raw = await node.rpc.call<string>('getrawtransaction', [txid]);
    await node.mine(1);
    await check();
    await node.reorg(1, { dropTxs: true });
    const [carol] = (await check()).filter((c) => c.userId === 'carol');
    // The node put the disconnected payment back into its mempool: pending again.
    const activity = (await forkline.bff.allActivities('carol')).find((a) => a.txid === txid);
    expect(activity?.status).toBe('pending');
    expect((await forkline.bff.balance('carol')).pendingSats).toBe(30_000_000);
    expect(carol?.oracleSats).toBe(30_000_000);
    await node.broadcast([raw]); // already back in the mempool: nothing to do, it confirms again
    await node.mine(1);
    await check();
    expect((await forkline.bff.allActivities('carol')).find((a) => a.txid === txid)?.status).toBe(
      'confirmed',
    );
  });

  it('a double-spend confirms instead of a payment', async () => {
    const txid = await node.send(users.addressesOf('carol')[0]!, 0.4);
    await node.mine(1);
    await check();
    await node.reorg(3, { doubleSpend: txid });
    await check();
    // Reverted with its block; if the crawler saw it back in the mempool before the
    // double-spend was mined, it was pending in between and then dropped as a conflict.
    const activity = (await forkline.bff.allActivities('carol')).find((a) => a.txid === txid);
    expect(
      activity?.status === 'reverted' ||
        (activity?.status === 'dropped' && activity.dropReason === 'conflict'),
      JSON.stringify(activity),
    ).toBe(true);
  });

  it('a crawler killed with SIGKILL is restarted and catches up', async () => {
    const pid = forkline.supervisor.pid('crawler');
    expect(pid).toBeDefined();
    process.kill(pid!, 'SIGKILL');
    await node.send(users.addressesOf('bob')[0]!, 0.25);
    await node.mine(3);
    await waitFor(
      () => forkline.supervisor.pid('crawler'),
      (p) => p !== undefined && p !== pid,
      { what: 'a new crawler' },
    );
    await check();
  });
});
