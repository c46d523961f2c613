import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRpcClient } from '#shared/bitcoind/rpcClient.js';
import { freePort } from '#shared/testing/freePort.js';
import { runDir } from '#shared/testing/stackEnv.js';
import { waitFor } from '#shared/testing/waitFor.js';
import { selectTip } from './db/selectTip.js';
import { createBitcoindSource } from './node/chainSource.js';
import { createHarness, type Harness } from './testing/crawlerHarness.js';

/**
 * Pointed at a node that is behind us — here a second regtest node with nothing but its
 * genesis block, as a node reindexing or still syncing would be — the crawler waits and
 * says so; it reverts nothing, and goes on once it follows a node that is caught up.
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
    const rpc = createRpcClient({ url: secondUrl, timeoutMs: 2_000 });
    await waitFor(() => rpc.getBlockchainInfo(), Boolean, { what: 'the second node to answer' });
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
    const { rows } = await h.db.online.query(`SELECT 1 FROM outbox WHERE type = 'BlockDisconnected'`);
    expect(rows).toEqual([]);
    await h.stopCrawler();

    // Back on a node that holds our chain: it carries on from the same tip.
    await h.startCrawler();
    await h.node.mine(1);
    await h.waitSynced();
    expect((await selectTip(h.db.online))!.height).toBe(before!.height + 1);
  });
});
