import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Executor } from '#shared/db/pool.js';
import { waitFor } from '#shared/testing/waitFor.js';
import { selectTip } from './db/selectTip.js';
import type { ChainSource } from './node/chainSource.js';
import { createHarness, expectDenseVersions, type Harness } from './testing/crawlerHarness.js';
import { spend, utxosOf, withCoinsLocked, type WalletUtxo } from './testing/walletTxs.js';

/**
 * Catching up in groups of blocks per SQL transaction writes what applying the blocks one
 * by one writes — the same rows, the same events in the same order with the same versions —
 * and a group that fails leaves nothing of itself: the tip stays at the group before.
 */
describe('crawler: grouped catch-up', () => {
  const BLOCKS = 16;
  const GROUP = { groupBlocks: 4, behindBlocks: 3 };
  let oneByOne: Harness;
  let grouped: Harness;
  let failing: Harness;
  let source: ChainSource;
  let from: number;
  let to: number;

  beforeAll(async () => {
    oneByOne = await createHarness('crawler_group_single');
    grouped = await createHarness('crawler_group_grouped');
    failing = await createHarness('crawler_group_failing');
    const node = oneByOne.node;
    const alice = await oneByOne.newUser('alice', ['bech32', 'legacy']);
    const bob = await oneByOne.newUser('bob', ['bech32m']);
    for (const h of [grouped, failing]) {
      await h.addAddresses('alice', alice);
      await h.addAddresses('bob', bob);
    }
    // Each block pays alice, and spends to bob the coin alice got in the block before: most
    // spends are of an output created earlier in the same, not yet written, group.
    from = (await node.height()) + 1;
    let previous: WalletUtxo | undefined;
    for (let i = 0; i < BLOCKS; i++) {
      const payee = alice[i % 2]!;
      const paid = await withCoinsLocked(node, [...alice, ...bob], () => node.send(payee, 0.01 + i / 1_000));
      const txids = [paid];
      if (previous) txids.push(await spend(node, [previous], { [bob[0]!]: previous.sats - 3_000 }));
      await node.mineBlockWith(txids);
      previous = (await utxosOf(node, [payee])).find((u) => u.txid === paid && u.confirmations > 0);
    }
    to = await node.height();
    source = await pinnedChain(oneByOne.source, from, to);
  });
  afterAll(async () => {
    await Promise.all([oneByOne?.close(), grouped?.close(), failing?.close()]);
  });

  async function catchUp(h: Harness, catchUp: { groupBlocks: number; behindBlocks: number }) {
    await h.startCrawler({ source, startHeight: from, catchUp, zmqEndpoint: undefined });
    await waitFor(
      () => selectTip(h.db.online),
      (t) => t?.height === to,
      { what: `caught up to ${to}` },
    );
    await h.stopCrawler();
  }

  it('writes the rows, events and versions of a block-by-block catch-up', async () => {
    await catchUp(oneByOne, { groupBlocks: 1, behindBlocks: 1 });
    await catchUp(grouped, GROUP);
    const expected = await written(oneByOne.db.online);
    expect(expected.outbox.filter((e) => e.type === 'TxConfirmed').length).toBeGreaterThan(2 * BLOCKS);
    expect(expected.utxos.filter((u) => u.spent_txid !== null).length).toBeGreaterThan(BLOCKS / 2);
    expect(await written(grouped.db.online)).toEqual(expected);
    await expectDenseVersions(grouped.db.online);
    // A transaction's blocks share its start time: groups of 4, the last 3 blocks alone.
    const deep = to - GROUP.behindBlocks - from + 1;
    const sizes = Array.from({ length: Math.ceil(deep / GROUP.groupBlocks) }, (_, i) =>
      Math.min(GROUP.groupBlocks, deep - i * GROUP.groupBlocks),
    );
    expect(await transactionSizes(grouped.db.online)).toEqual([...sizes, 1, 1, 1]);
    expect(await transactionSizes(oneByOne.db.online)).toEqual(
      Array.from({ length: to - from + 1 }, () => 1),
    );
  });

  it('a group that fails leaves the tip at the group before and nothing of itself', async () => {
    // The third group's second block fails to insert: the whole third group stays unwritten.
    const failAt = from + 2 * GROUP.groupBlocks + 1;
    await failing.db.online.query(`
      CREATE FUNCTION fail_block() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.height = ${failAt} THEN RAISE EXCEPTION 'injected failure at height %', NEW.height; END IF;
        RETURN NEW;
      END $$;
      CREATE TRIGGER fail_block BEFORE INSERT ON crawler_blocks FOR EACH ROW EXECUTE FUNCTION fail_block()`);
    await failing.startCrawler({ source, startHeight: from, catchUp: GROUP, zmqEndpoint: undefined });
    await waitFor(
      () => failing.crawler!.status(),
      (s) => s.lastError?.includes('injected failure') ?? false,
      { what: 'the group to fail' },
    );
    const boundary = failAt - 2;
    expect((await selectTip(failing.db.online))?.height).toBe(boundary);
    const expected = await written(oneByOne.db.online, boundary);
    expect(await written(failing.db.online)).toEqual(expected);

    await failing.db.online.query('DROP TRIGGER fail_block ON crawler_blocks');
    await waitFor(
      () => selectTip(failing.db.online),
      (t) => t?.height === to,
      { what: `caught up to ${to} once the failure is gone`, timeoutMs: 60_000 },
    );
    await failing.stopCrawler();
    expect(await written(failing.db.online)).toEqual(await written(oneByOne.db.online));
  });
});

/**
 * The node's chain from `from` to `to` as it is now, whatever the node does meanwhile
 * (other spec files mine and reorganise the same node): both catch-ups see the same blocks.
 */
async function pinnedChain(node: ChainSource, from: number, to: number): Promise<ChainSource> {
  const hashes = await node.hashesFrom(from, to - from + 1);
  if (hashes.length !== to - from + 1) throw new Error('the node moved while the chain was pinned');
  const tip = { hash: hashes.at(-1)!, height: to, chainwork: await node.chainworkOf(hashes.at(-1)!) };
  const at = (height: number) => (height >= from && height <= to ? hashes[height - from] : undefined);
  return {
    ...node,
    bestTip: () => Promise.resolve({ ...tip, initialBlockDownload: false }),
    hashAt: (height) => Promise.resolve(at(height)),
    hashesFrom: (start, count) =>
      Promise.resolve(start < from ? [] : hashes.slice(start - from, start - from + count)),
  };
}

/** How many blocks each SQL transaction wrote, in height order (now() is the transaction's start). */
async function transactionSizes(ex: Executor): Promise<number[]> {
  const { rows } = await ex.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM crawler_blocks GROUP BY applied_at ORDER BY min(height)',
  );
  return rows.map((r) => r.n);
}

/** What a catch-up wrote, but for ids, uuids and times, in the order it was written. */
async function written(ex: Executor, upTo = 2_000_000_000) {
  const rows = async (sql: string) => (await ex.query<Record<string, unknown>>(sql, [upTo])).rows;
  return {
    blocks: await rows(
      'SELECT height, hash, prev_hash, time, tx_count, chainwork FROM crawler_blocks WHERE height <= $1 ORDER BY height',
    ),
    utxos: await rows(
      `SELECT txid, vout, user_id, address, value_sats, block_hash, height,
              CASE WHEN spent_height <= $1 THEN spent_txid END AS spent_txid,
              CASE WHEN spent_height <= $1 THEN spent_block_hash END AS spent_block_hash,
              CASE WHEN spent_height <= $1 THEN spent_height END AS spent_height
         FROM wallet_utxos WHERE height <= $1 ORDER BY txid, vout`,
    ),
    walletTxs: await rows(
      `SELECT user_id, txid, block_hash, height, received_sats, sent_sats, delta_sats, addresses
         FROM wallet_transactions WHERE height <= $1 ORDER BY id`,
    ),
    outbox: await rows(
      `SELECT stream, version, type, payload FROM outbox WHERE (payload->>'height')::int <= $1 ORDER BY id`,
    ),
    versions: await rows(
      `SELECT stream, max(version) AS version FROM outbox
        WHERE (payload->>'height')::int <= $1 GROUP BY stream ORDER BY stream`,
    ),
  };
}
