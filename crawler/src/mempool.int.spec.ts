import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseWithZod } from '#shared/events/schemas.js';
import { waitFor } from '#shared/testing/waitFor.js';
import { createHarness, type Harness } from './testing/crawlerHarness.js';
import { pendingRows, userEvents } from './testing/userEvents.js';
import { spend, utxosOf, withCoinsLocked } from './testing/walletTxs.js';

/** The mempool against the real node: pending, mined, replaced, conflicted, reorged back. */
describe('crawler: pending transactions', () => {
  let h: Harness;
  let alice: string[];
  let bob: string[];

  const lines = async (userId: string) => (await userEvents(h.db.online, userId)).lines;
  /** Waits until the user's stream ends with exactly these lines. */
  const expectTail = (userId: string, tail: string[], what: string) =>
    waitFor(
      () => lines(userId),
      (l) => JSON.stringify(l.slice(-tail.length)) === JSON.stringify(tail),
      { what: `${userId}: ${what}`, timeoutMs: 20_000 },
    );
  const payload = async (userId: string, type: string, txid: string) =>
    (await userEvents(h.db.online, userId)).events.find(
      (e) => e.type === type && (e.payload as { txid: string }).txid === txid,
    )?.payload as Record<string, unknown> | undefined;
  const customers = () => [...alice, ...bob];
  /** Pays `address` from the node wallet without touching the customers' own coins. */
  const pay = (address: string, btc: number) =>
    withCoinsLocked(h.node, customers(), () => h.node.send(address, btc));

  beforeAll(async () => {
    h = await createHarness('crawler_mempool');
    await h.node.mine(1); // nothing of an earlier spec left in the mempool
    await h.startCrawler({ mempoolSource: true });
    alice = await h.newUser('alice', ['bech32', 'bech32']);
    bob = await h.newUser('bob', ['bech32m']);
  });
  afterAll(async () => {
    await h?.close();
  });

  it('shows a payment as pending within a second of its broadcast; its block supersedes it', async () => {
    const started = Date.now();
    const txid = await pay(alice[0]!, 0.3);
    await expectTail('alice', [`TxPending ${txid}`], 'pending');
    expect(Date.now() - started).toBeLessThan(1_000);
    const pending = await payload('alice', 'TxPending', txid);
    expect(pending).toMatchObject({
      txid,
      receivedSats: 30_000_000,
      sentSats: 0,
      deltaSats: 30_000_000,
      paidToOthersSats: expect.any(Number) as number,
      replaceable: true,
    });
    expect(await pendingRows(h.db.online)).toEqual(new Map([[txid, ['alice']]]));

    await h.node.mine(1);
    await expectTail('alice', [`TxPending ${txid}`, `TxConfirmed ${txid}`], 'confirmed, no drop');
    await h.waitSynced();
    expect(await pendingRows(h.db.online)).toEqual(new Map());
  });

  it('a send with change, and a chain of two unconfirmed transactions, parent before child', async () => {
    const [coin] = await utxosOf(h.node, [alice[0]!]);
    const toBob = 10_000_000;
    const change = coin!.sats - toBob - 5_000;
    const parent = await spend(h.node, [coin!], { [bob[0]!]: toBob, [alice[1]!]: change });
    // Bob spends what he received before it is mined: back to alice.
    const child = await spend(h.node, [{ txid: parent, vout: 0 }], { [alice[0]!]: toBob - 3_000 });
    await expectTail('bob', [`TxPending ${parent}`, `TxPending ${child}`], 'receive then spend, pending');
    await expectTail(
      'alice',
      [`TxPending ${parent}`, `TxPending ${child}`],
      'send with change, then receive',
    );
    expect(await payload('alice', 'TxPending', parent)).toMatchObject({
      sentSats: coin!.sats,
      receivedSats: change,
      deltaSats: change - coin!.sats,
      paidToOthersSats: toBob,
    });
    expect(await payload('bob', 'TxPending', child)).toMatchObject({
      sentSats: toBob,
      receivedSats: 0,
      deltaSats: -toBob,
    });
    await h.node.mine(1);
    await expectTail('bob', [`TxConfirmed ${parent}`, `TxConfirmed ${child}`], 'both mined');
    await h.waitSynced();
    await h.expectOracle();
    expect(await pendingRows(h.db.online)).toEqual(new Map());
  });

  it('a fee bump (BIP 125) replaces the pending payment: replaced, then the new one pending', async () => {
    const txid = await pay(bob[0]!, 0.2);
    await expectTail('bob', [`TxPending ${txid}`], 'pending');
    const { txid: bumped } = await h.node.walletCall<{ txid: string }>('bumpfee', [txid]);
    await expectTail('bob', [`TxDropped ${txid} replaced`, `TxPending ${bumped}`], 'replaced by the bump');
    expect(await payload('bob', 'TxDropped', txid)).toEqual({ txid, reason: 'replaced', replacedBy: bumped });
    await h.node.mine(1);
    await expectTail('bob', [`TxPending ${bumped}`, `TxConfirmed ${bumped}`], 'the bump mined');
  });

  it('a block confirming a double-spend drops the pending transaction as a conflict', async () => {
    const txid = await pay(alice[1]!, 0.25);
    await expectTail('alice', [`TxPending ${txid}`], 'pending');
    const conflict = await h.node.conflictingTx(txid);
    await h.node.mineBlockWith([conflict]);
    await expectTail('alice', [`TxPending ${txid}`, `TxDropped ${txid} conflict`], 'dropped as a conflict');
    await h.waitSynced();
    expect(await pendingRows(h.db.online)).toEqual(new Map());
  });

  it('a reorg returns a mined payment to pending: reverted, then pending, then confirmed again', async () => {
    const txid = await pay(bob[0]!, 0.15);
    await h.node.mine(1);
    await expectTail('bob', [`TxPending ${txid}`, `TxConfirmed ${txid}`], 'mined');
    await h.node.reorg(1, { dropTxs: true });
    await expectTail(
      'bob',
      [`TxPending ${txid}`, `TxConfirmed ${txid}`, `TxReverted ${txid}`, `TxPending ${txid}`],
      'back to pending',
    );
    await h.node.mine(1);
    await expectTail(
      'bob',
      [`TxReverted ${txid}`, `TxPending ${txid}`, `TxConfirmed ${txid}`],
      'mined again',
    );
  });

  it('a full-RBF replacement paying someone else drops the payment as replaced', async () => {
    const txid = await pay(alice[0]!, 0.12);
    await expectTail('alice', [`TxPending ${txid}`], 'pending');
    const outsider = await h.node.newAddress('bech32', 'outsider');
    const replacement = await h.node.replaceTx(txid, outsider);
    await expectTail('alice', [`TxPending ${txid}`, `TxDropped ${txid} replaced`], 'replaced');
    expect(await payload('alice', 'TxDropped', txid)).toEqual({
      txid,
      reason: 'replaced',
      replacedBy: replacement,
    });
    await h.node.mine(1);
    await h.waitSynced();
    expect((await lines('alice')).filter((l) => l.includes(replacement))).toEqual([]);
  });

  it('a node restarted without its mempool: the pending payment is evicted', async () => {
    const txid = await pay(bob[0]!, 0.11);
    await expectTail('bob', [`TxPending ${txid}`], 'pending');
    await h.node.restartWithEmptyMempool();
    await expectTail('bob', [`TxPending ${txid}`, `TxDropped ${txid} evicted`], 'evicted');
    expect(await pendingRows(h.db.online)).toEqual(new Map());
  });

  it('every event it wrote is a valid event, each stream dense', async () => {
    await h.waitSynced();
    for (const user of ['alice', 'bob']) {
      const { events } = await userEvents(h.db.online, user);
      expect(events.map((e) => e.version)).toEqual(events.map((_, i) => i + 1));
      for (const e of events) expect(parseWithZod(e)).toMatchObject({ ok: true });
    }
  });
});

describe('crawler: pending transactions with ZMQ silent', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await createHarness('crawler_mempool_poll');
    await h.node.mine(1);
    // A port nothing publishes on: only the mempool snapshots see anything.
    await h.startCrawler({ mempoolSource: true, zmqEndpoint: 'tcp://127.0.0.1:9', mempoolResyncMs: 200 });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('converges by polling: pending, then replaced, then mined', async () => {
    const [carol] = await h.newUser('carol');
    const txid = await withCoinsLocked(h.node, [carol!], () => h.node.send(carol!, 0.1));
    await waitFor(
      () => userEvents(h.db.online, 'carol'),
      (e) => e.lines.includes(`TxPending ${txid}`),
      {
        what: 'pending by polling',
      },
    );
    const { txid: bumped } = await h.node.walletCall<{ txid: string }>('bumpfee', [txid]);
    await waitFor(
      () => userEvents(h.db.online, 'carol'),
      (e) => e.lines.includes(`TxPending ${bumped}`),
      {
        what: 'the replacement by polling',
      },
    );
    await h.node.mine(1);
    const { lines } = await waitFor(
      () => userEvents(h.db.online, 'carol'),
      (e) => e.lines.includes(`TxConfirmed ${bumped}`),
      { what: 'the bump confirmed by polling' },
    );
    expect(lines).toEqual([
      `TxPending ${txid}`,
      `TxDropped ${txid} replaced`,
      `TxPending ${bumped}`,
      `TxConfirmed ${bumped}`,
    ]);
  });
});
