import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '#shared/testing/waitFor.js';
import type { Balance } from '../src/scenario/bffClient.js';
import { regtestFromStack, startForkline, type ForklineInstance } from '../src/scenario/forklineInstance.js';

/**
 * An address paid before it was registered, registered through the API with its
 * history: the balance read says Forkline-Rescanning until the history is counted, then
 * equals what the node says the address holds, with every payment in the activities.
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
});
