import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '#shared/testing/waitFor.js';
import type { Balance } from '../src/scenario/bffClient.js';
import { regtestFromStack, startForkline, type ForklineInstance } from '../src/scenario/forklineInstance.js';

/**
 * An address paid before it was registered, registered through the API with its
 * history: the balance read says Forkline-Rescanning until the history is counted, then
 * equals what the node says the address holds, with every payment in the activities. And
 * a payment pending from one customer to another who registers meanwhile: pending in both
 * balances, the payer's restated once its change address joins too.
 */
describe('forkline end to end: an address registered with its history', () => {
  const node = regtestFromStack();
  let forkline: ForklineInstance;
  let startHeight: number;

  beforeAll(async () => {
    await node.ensureFunds(2);
    startHeight = (await node.height()) + 1;
    forkline = await startForkline('history', startHeight);
  }, 180_000);

  afterAll(async () => {
    await forkline?.stop();
  });

  it('counts the payments made before the registration once the rescan ends', async () => {
    const address = await node.newAddress('bech32', 'history-e2e');
    const paid = [await node.send(address, 0.011)];
    await node.mine(3);
    paid.push(await node.send(address, 0.022));
    await node.mine(2);
    const height = await node.height();

    await forkline.bff.createUser('historian');
    const added = await forkline.bff.request<{ fromHeight: number; rescanning: boolean }>(
      'POST',
      '/v1/users/historian/addresses',
      { address, rescanFromHeight: startHeight },
    );
    expect(added.body).toMatchObject({ fromHeight: startHeight, rescanning: true });

    const settled = await waitFor(
      () =>
        forkline.bff.request<Balance>('GET', `/v1/users/historian/balance?minHeight=${height}&waitMs=5000`),
      (r) => r.headers.get('forkline-rescanning') === 'false' && r.body.confirmedSats > 0,
      { what: 'the history counted', timeoutMs: 60_000 },
    );
    expect(settled.body.confirmedSats).toBe(await node.balanceOf([address]));
    const { items } = await forkline.bff.activities('historian');
    expect(items.map((a) => a.txid).sort()).toEqual([...paid].sort());
  }, 120_000);

  it('a payment pending between customers shows for the one who registers while it is pending, and restates the payer', async () => {
    const alice = await node.newAddress('bech32', 'alice-e2e');
    await forkline.bff.createUser('alice');
    await forkline.bff.addAddress('alice', alice);
    const funding = await node.send(alice, 0.05);
    await node.mine(1);
    expect((await forkline.bff.balance('alice', await node.height())).confirmedSats).toBe(5_000_000);
    const vout = (
      await node.walletCall<{ details: { address: string; vout: number }[] }>('gettransaction', [funding])
    ).details.find((d) => d.address === alice)!.vout;

    // To bob and to alice's second address, neither registered yet: pending for alice alone.
    const bob = await node.newAddress('bech32', 'bob-e2e');
    const aliceSecond = await node.newAddress('bech32', 'alice-e2e');
    const raw = await node.rpc.call<string>('createrawtransaction', [
      [{ txid: funding, vout }],
      { [bob]: 0.02, [aliceSecond]: 0.02997 },
    ]);
    const signed = await node.walletCall<{ hex: string }>('signrawtransactionwithwallet', [raw]);
    const txid = await node.rpc.call<string>('sendrawtransaction', [signed.hex]);
    const pendingOf = (userId: string) => forkline.bff.balance(userId).then((b) => b.pendingSats);
    await waitFor(
      () => pendingOf('alice'),
      (p) => p === -5_000_000,
      { what: "alice's payment pending" },
    );

    await forkline.bff.createUser('bob');
    await forkline.bff.request('POST', '/v1/users/bob/addresses', {
      address: bob,
      rescanFromHeight: startHeight,
    });
    await forkline.bff.request('POST', '/v1/users/alice/addresses', {
      address: aliceSecond,
      rescanFromHeight: startHeight,
    });
    await waitFor(
      () => pendingOf('bob'),
      (p) => p === 2_000_000,
      { what: "bob's payment pending" },
    );
    // Alice's part restated whole: what came back to her second address is not spent.
    await waitFor(
      () => pendingOf('alice'),
      (p) => p === -2_003_000,
      { what: "alice's payment restated" },
    );
    const bobs = await forkline.bff.activities('bob');
    expect(bobs.items).toMatchObject([{ txid, status: 'pending', amountSats: 2_000_000 }]);

    await node.mine(1);
    const height = await node.height();
    expect(await forkline.bff.balance('bob', height)).toMatchObject({
      confirmedSats: 2_000_000,
      pendingSats: 0,
    });
    expect(await forkline.bff.balance('alice', height)).toMatchObject({
      confirmedSats: 5_000_000 - 2_003_000,
      pendingSats: 0,
    });
  }, 120_000);
});
