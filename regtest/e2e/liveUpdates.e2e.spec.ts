import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSse, type ReadEvent, type SseClient } from '../../bff/src/testing/sseClient.js';
import { regtestFromStack, startForkline, type ForklineInstance } from '../src/scenario/forklineInstance.js';
import { createWalletUsers, type WalletUsers } from '../src/scenario/walletUsers.js';

interface Change {
  balance: { confirmedSats: number; pendingSats: number; tip: { height: number; hash: string } | null };
  activities: { txid: string | null; status: string; blockHeight: number | null }[];
}

/**
 * Live updates end to end, every process as `forkline run` starts it: a subscriber sees a
 * payment pending, then confirmed in the block that holds it, then leave the chain in a
 * reorg, each as the projector commits it; a subscriber that was away gets what it missed.
 */
describe('forkline end to end: live updates', () => {
  const node = regtestFromStack();
  let forkline: ForklineInstance;
  let users: WalletUsers;
  let address: string;
  const auth = () => ({ authorization: `Bearer ${forkline.env.FORKLINE_ADMIN_TOKEN}` });
  const url = (userId: string) => `${forkline.bffUrl}/v1/users/${userId}/events`;

  beforeAll(async () => {
    await node.ensureFunds(5);
    forkline = await startForkline('live', await node.height());
    users = createWalletUsers(node, forkline.bff);
    address = (await users.register('watcher', ['bech32']))[0]!;
    await forkline.bff.balance('watcher', await node.height());
  }, 120_000);

  afterAll(async () => {
    await forkline?.stop();
  });

  /** The first `change` event whose data passes `test` (tip and other events skipped). */
  const until = async (
    sse: SseClient,
    test: (c: Change) => boolean,
  ): Promise<ReadEvent & { change: Change }> => {
    for (;;) {
      const e = await sse.next(20_000);
      if (e.event !== 'change') continue;
      const change = JSON.parse(e.data) as Change;
      if (test(change)) return { ...e, change };
    }
  };

  const nextOf = async (sse: SseClient, event: string): Promise<ReadEvent> => {
    for (;;) {
      const e = await sse.next(20_000);
      if (e.event === event) return e;
    }
  };

  it('pushes pending, confirmed with its block, and a reorg, as they happen', async () => {
    const sse = await openSse(url('watcher'), auth());
    expect(sse.status).toBe(200);
    const first = await until(sse, () => true);
    expect(first.change.balance.confirmedSats).toBe(0);

    const txid = await node.send(address, 0.5);
    const pending = await until(sse, (c) => c.activities.some((a) => a.txid === txid));
    expect(pending.change.balance.pendingSats).toBe(50_000_000);
    expect(pending.change.activities).toEqual([expect.objectContaining({ txid, status: 'pending' })]);

    const [hash] = await node.mine(1);
    const height = await node.height();
    const confirmed = await until(sse, (c) => c.balance.confirmedSats === 50_000_000);
    expect(confirmed.change.activities).toEqual([
      expect.objectContaining({ txid, status: 'confirmed', blockHeight: height }),
    ]);
    // The user's rows and the chain's tip are separate batches: the block's tip comes in
    // this change when its batch was first, else in a `tip` event right after.
    if (confirmed.change.balance.tip?.hash !== hash) {
      expect(JSON.parse((await nextOf(sse, 'tip')).data)).toEqual({ height, hash });
    }

    await node.reorg(1, { dropTxs: true });
    const reverted = await until(sse, (c) => c.balance.confirmedSats === 0);
    expect(reverted.change.activities).toEqual([expect.objectContaining({ txid })]);
    expect(reverted.change.activities[0]!.status).not.toBe('confirmed');
    expect(Number(reverted.id)).toBeGreaterThan(Number(confirmed.id));
    sse.close();
  });

  it('sends a subscriber that was away what it missed when it comes back with Last-Event-ID', async () => {
    const sse = await openSse(url('watcher'), auth());
    const seen = await until(sse, () => true);
    sse.close();
    const txid = await node.send(address, 0.25);
    await node.mine(1);
    await forkline.bff.balance('watcher', await node.height());

    const back = await openSse(url('watcher'), { ...auth(), 'last-event-id': seen.id! });
    const missed = await until(back, () => true);
    expect(Number(missed.id)).toBeGreaterThan(Number(seen.id));
    expect(missed.change.activities).toContainEqual(expect.objectContaining({ txid, status: 'confirmed' }));
    back.close();
  });
});
