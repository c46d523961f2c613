import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRpcClient, type RpcClient } from '#shared/bitcoind/rpcClient.js';
import { freePort } from '#shared/testing/freePort.js';
import { runDir } from '#shared/testing/stackEnv.js';
import { waitFor } from '#shared/testing/waitFor.js';
import { selectLowestBlock } from './db/selectLowestBlock.js';
import { selectTip } from './db/selectTip.js';
import { createBitcoindSource } from './node/chainSource.js';
import { createHarness, type Harness } from './testing/crawlerHarness.js';

/** Every block we hold above `fromHeight` has the chainwork `rpc`'s node gives it. */
async function expectChainworkOf(h: Harness, rpc: RpcClient, fromHeight = 0): Promise<void> {
  const { rows } = await h.db.online.query<{ hash: string; chainwork: string }>(
    'SELECT hash, chainwork FROM crawler_blocks WHERE height > $1 ORDER BY height',
    [fromHeight],
  );
  expect(rows.length).toBeGreaterThan(0);
  for (const r of rows) {
    expect(r).toEqual({ hash: r.hash, chainwork: (await rpc.getBlockHeader(r.hash)).chainwork });
  }
}

const disconnected = async (h: Harness) =>
  (await h.db.online.query(`SELECT 1 FROM outbox WHERE type = 'BlockDisconnected'`)).rowCount;

/**
 * Pointed at a node that is behind us — here a second regtest node with nothing but its
 * genesis block, as a node reindexing or still syncing would be, then one whose own branch
 * has as much work as ours — the crawler waits and says so; it reverts nothing, and goes on
 * once it follows a node that is caught up. Chainwork decides: the second node's branch
 * becomes a reorg the moment it has more work than ours.
 */
describe('crawler: a node behind our tip', () => {
  let h: Harness;
  let second: ChildProcess | undefined;
  let datadir: string;
  let secondUrl: string;

  beforeAll(async () => {
    h = await createHarness('crawler_node_behind');
    await h.startCrawler();
    await h.node.mine(3);
    await h.waitSynced();
    await h.stopCrawler();
    datadir = mkdtempSync(join(tmpdir(), 'forkline-behind-'));
    const [rpcPort, p2pPort] = [await freePort(), await freePort()];
    second = spawn(
      join(runDir, 'bin', 'bitcoind'),
      [
        '-regtest',
        `-datadir=${datadir}`,
        `-rpcport=${rpcPort}`,
        `-port=${p2pPort}`,
        '-listen=0',
        '-rpcuser=behind',
        '-rpcpassword=behind',
        '-disablewallet',
        '-printtoconsole=0',
      ],
      { stdio: 'ignore' },
    );
    secondUrl = `http://behind:behind@127.0.0.1:${rpcPort}`;
    second.once('exit', (code) => {
      if (code) console.error(`the second bitcoind exited with status ${code}`);
    });
    const rpc = createRpcClient({ url: secondUrl, timeoutMs: 2_000 });
    await waitFor(() => rpc.getBlockchainInfo(), Boolean, { what: 'the second node to answer' });
    rpc.close();
  });
  afterAll(async () => {
    if (second && second.exitCode === null) {
      second.kill('SIGTERM');
      await once(second, 'exit');
    }
    await h?.close();
    rmSync(datadir, { recursive: true, force: true });
  });

  it('waits, says so in its status, and reverts nothing', async () => {
    const before = await selectTip(h.db.online);
    const crawler = await h.startCrawler({
      source: createBitcoindSource(createRpcClient({ url: secondUrl })),
    });
    const status = await waitFor(
      () => crawler.status(),
      (s) => s.state === 'node-behind',
      { what: 'the crawler to say the node is behind' },
    );
    expect(status.nodeTip?.height).toBe(0);
    expect(await selectTip(h.db.online)).toEqual(before);
    expect(await disconnected(h)).toBe(0);
    await h.stopCrawler();
    // Each block's chainwork, as the node has it: asked of the node for the first block,
    // added up from each header's target after.
    await expectChainworkOf(h, h.node.rpc);

    // Back on a node that holds our chain: it carries on from the same tip. Rows stored
    // before chainwork was have none: the next block's is asked of the node.
    await h.db.online.query('UPDATE crawler_blocks SET chainwork = NULL');
    await h.startCrawler();
    await h.node.mine(1);
    await h.waitSynced();
    expect((await selectTip(h.db.online))!.height).toBe(before!.height + 1);
    const { rows } = await h.db.online.query<{ chainwork: string | null }>(
      'SELECT chainwork FROM crawler_blocks ORDER BY height DESC LIMIT 1',
    );
    expect(rows[0]!.chainwork).toBe((await h.node.rpc.getBlockHeader(await h.node.bestHash())).chainwork);
    await h.stopCrawler();
  });

  it('waits for a branch with as much work as ours, and follows it once it has more', async () => {
    const rpc = createRpcClient({ url: secondUrl });
    // The second node shares our chain up to our oldest block, then mines its own branch
    // to our height: as much work as ours (regtest blocks all have the same target).
    const fork = (await selectLowestBlock(h.db.online))!;
    for (let height = 1; height <= fork.height; height++) {
      const hex = await h.node.rpc.call<string>('getblock', [await h.node.rpc.getBlockHash(height), 0]);
      expect(await rpc.call('submitblock', [hex])).toBeNull();
    }
    expect(await rpc.getBestBlockHash()).toBe(fork.hash);
    const before = (await selectTip(h.db.online))!;
    const mine = (n: number) => rpc.call<string[]>('generatetodescriptor', [n, 'raw(51)']);
    await mine(before.height - fork.height);
    const secondInfo = await rpc.getBlockchainInfo();
    expect(secondInfo.blocks).toBe(before.height);
    expect(secondInfo.chainwork).toBe((await h.node.rpc.getBlockHeader(before.hash)).chainwork);
    expect(secondInfo.bestblockhash).not.toBe(before.hash);
    // It has our blocks' headers too, as a node still downloading them would, not the blocks.
    for (let height = fork.height + 1; height <= before.height; height++) {
      const header = await h.node.rpc.call<string>('getblockheader', [
        await h.node.rpc.getBlockHash(height),
        false,
      ]);
      expect(await rpc.call('submitheader', [header])).toBeNull();
    }
    expect((await rpc.getBlockHeader(before.hash)).nTx).toBe(0);

    const crawler = await h.startCrawler({ source: createBitcoindSource(rpc) });
    const status = await waitFor(
      () => crawler.status(),
      (s) => s.state === 'node-behind',
      { what: 'the crawler to wait for a node with equal work' },
    );
    expect(status.nodeTip).toEqual({
      hash: secondInfo.bestblockhash,
      height: before.height,
      chainwork: secondInfo.chainwork,
    });
    expect(status.ourTip?.chainwork).toBe(secondInfo.chainwork);
    expect(await selectTip(h.db.online)).toEqual(before);
    expect(await disconnected(h)).toBe(0);

    // One block more: more work than ours, a real reorg down to the fork point.
    const [best] = await mine(1);
    await waitFor(
      async () => (await selectTip(h.db.online))?.hash,
      (hash) => hash === best,
      { what: "the crawler to follow the second node's branch" },
    );
    expect(await disconnected(h)).toBe(before.height - fork.height);
    await waitFor(
      () => crawler.status().state,
      (state) => state === 'in-sync',
      { what: 'the crawler to be in sync' },
    );
    await expectChainworkOf(h, rpc, fork.height);
    await h.stopCrawler();
    rpc.close();
  });
});
