import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readStackEnv } from '#shared/testing/stackEnv.js';
import { waitFor } from '#shared/testing/waitFor.js';
import { createBffClient, type BffClient } from '../src/scenario/bffClient.js';
import { expectMatchesNode } from '../src/scenario/oracleCheck.js';
import { regtestFromStack, startForkline, type ForklineInstance } from '../src/scenario/forklineInstance.js';
import { createWalletUsers, type WalletUsers } from '../src/scenario/walletUsers.js';

/**
 * `forkline run --instances 2`: two of each process but trading. The first instance of
 * every one is killed with SIGKILL at once; the second ones carry on (the standby crawler
 * takes the leader lock, the other projector gets every partition, the other relay
 * drains the outbox), and the second BFF answers what bitcoind says throughout.
 */
describe('forkline end to end: two instances of each process', () => {
  const node = regtestFromStack();
  let forkline: ForklineInstance;
  let users: WalletUsers;
  let second: BffClient;

  beforeAll(async () => {
    await node.ensureFunds(10);
    forkline = await startForkline('instances', (await node.height()) - 5, {}, { instances: 2 });
    second = createBffClient(
      `http://127.0.0.1:${Number(forkline.env.BFF_PORT) + 10}`,
      readStackEnv().FORKLINE_ADMIN_TOKEN,
    );
    await waitFor(
      () => second.request('GET', '/healthz').then((r) => r.status),
      (s) => s === 200,
      {
        what: 'the second BFF',
        timeoutMs: 60_000,
      },
    );
    users = createWalletUsers(node, forkline.bff);
    await users.register('alice', ['bech32']);
    await users.register('bob', ['bech32m']);
  }, 180_000);
  afterAll(async () => {
    await forkline?.stop();
  });

  const check = async (bff: BffClient) => {
    try {
      return await expectMatchesNode(node, bff, users);
    } catch (err) {
      throw new Error(`${(err as Error).message}\n--- recent process output ---\n${forkline.recentLogs()}`);
    }
  };

  it('both BFFs answer what bitcoind says; one crawler crawls, the other stands by', async () => {
    await node.send(users.addressesOf('alice')[0]!, 1);
    await node.mine(1);
    await check(forkline.bff);
    await check(second);
    const states = await Promise.all(
      [0, 10].map(async (offset) => {
        const port = Number(forkline.env.CRAWLER_METRICS_PORT) + offset;
        return ((await (await fetch(`http://127.0.0.1:${port}/status`)).json()) as { state: string }).state;
      }),
    );
    expect(states.sort()).toEqual(['in-sync', 'standby']);
  });

  it('the first instance of every process killed at once: the second ones carry on', async () => {
    const names = ['crawler', 'relay', 'projector', 'bff', 'trading-relay'];
    const pids = names.map((name) => forkline.supervisor.pid(name)!);
    expect(pids.every((pid) => pid !== undefined)).toBe(true);
    for (const pid of pids) process.kill(pid, 'SIGKILL');
    await node.send(users.addressesOf('bob')[0]!, 0.5);
    await node.send(users.addressesOf('alice')[0]!, 0.25);
    await node.mine(2);
    const checks = await check(second);
    expect(checks.find((c) => c.userId === 'bob')?.balance.confirmedSats).toBe(50_000_000);
    expect(checks.find((c) => c.userId === 'alice')?.balance.confirmedSats).toBe(125_000_000);
    // The killed ones are restarted by the supervisor, and answer the same once back.
    await waitFor(
      () => forkline.supervisor.pid('bff'),
      (pid) => pid !== undefined && pid !== pids[3],
      { what: 'the first BFF restarted', timeoutMs: 60_000 },
    );
    await check(forkline.bff);
  });
});
