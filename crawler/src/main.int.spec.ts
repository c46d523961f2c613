import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '#shared/testing/freePort.js';
import { repoRoot } from '#shared/testing/stackEnv.js';
import { waitFor } from '#shared/testing/waitFor.js';
import { selectTip } from './db/selectTip.js';
import {
  createHarness,
  expectDenseVersions,
  expectNoDuplicateConfirmations,
  type Harness,
} from './testing/crawlerHarness.js';

/** The crawler as a process: killed with SIGKILL mid catch-up, restarted, stopped with SIGTERM. */
describe('crawler process', () => {
  let h: Harness;
  let child: ChildProcess | undefined;
  let metricsPort: number;
  let output = '';

  /** A wait that fails with the crawler's own last words: it may have died at start. */
  const withOutput = <T>(waiting: Promise<T>): Promise<T> =>
    waiting.catch((err: Error) => {
      throw new Error(`${err.message}\n--- crawler output ---\n${output.slice(-3000)}`);
    });

  function startProcess(): ChildProcess {
    // `node --import tsx` rather than `npx tsx`: one process, so SIGKILL and SIGTERM reach
    // the crawler itself and not a wrapper that leaves it running (npx) or relays a second
    // signal (tsx's CLI).
    const proc = spawn(process.execPath, ['--import', 'tsx', 'crawler/src/main.ts'], {
      cwd: repoRoot,
      env: {
        ...process.env,
        BITCOIN_NETWORK: 'regtest',
        BITCOIND_RPC_URL: h.stack.BITCOIND_RPC_URL,
        BITCOIND_ZMQ_SEQUENCE: h.stack.BITCOIND_ZMQ_SEQUENCE,
        ONLINE_DATABASE_URL: h.db.onlineUrl,
        CRAWLER_START_HEIGHT: String(h.startHeight),
        CRAWLER_POLL_INTERVAL_MS: '200',
        CRAWLER_FETCH_CONCURRENCY: '2',
        CRAWLER_METRICS_PORT: String(metricsPort),
        LOG_LEVEL: 'info',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    proc.stdout.on('data', (d: Buffer) => (output += d.toString()));
    proc.stderr.on('data', (d: Buffer) => (output += d.toString()));
    return proc;
  }

  const tipHeight = async () => (await selectTip(h.db.online))?.height ?? -1;

  beforeAll(async () => {
    h = await createHarness('crawler_process');
    // Asked of the OS: a random pick may be an ephemeral port some connection holds.
    metricsPort = await freePort();
    const alice = await h.newUser('alice', ['bech32', 'legacy']);
    const bob = await h.newUser('bob', ['bech32m']);
    // 100 blocks to catch up on, a quarter of them paying customers.
    for (let i = 0; i < 25; i++) {
      await h.node.sendMany({ [alice[i % 2]!]: 0.02, [bob[0]!]: 0.01 });
      await h.node.mine(4);
    }
  });
  afterAll(async () => {
    child?.kill('SIGKILL');
    await h?.close();
  });

  it('killed with SIGKILL in the middle of catch-up, then restarted: equals the oracle, nothing twice', async () => {
    const target = await h.node.height();
    child = startProcess();
    await withOutput(
      waitFor(tipHeight, (t) => t >= h.startHeight + 20, { intervalMs: 5, what: 'catch-up under way' }),
    );
    child.kill('SIGKILL');
    await once(child, 'exit');
    const killedAt = await tipHeight();
    expect(killedAt).toBeLessThan(target);

    child = startProcess();
    await withOutput(h.waitSynced(60_000));
    await h.expectOracle();
    await expectDenseVersions(h.db.online);
    await expectNoDuplicateConfirmations(h.db.online);
    const dup = await h.db.online.query(
      `SELECT stream, payload->>'txid', payload->>'blockHash' FROM outbox WHERE type = 'TxConfirmed'
        GROUP BY 1, 2, 3 HAVING count(*) > 1`,
    );
    expect(dup.rows).toEqual([]);
    const connected = await h.db.online.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM outbox WHERE type = 'BlockConnected'`,
    );
    expect(connected.rows[0]!.n).toBe(target - h.startHeight + 1);
  });

  it('serves /status and /metrics, and stops cleanly on SIGTERM', async () => {
    const status = await withOutput(
      waitFor(
        async () =>
          (await fetch(`http://127.0.0.1:${metricsPort}/status`)).json() as Promise<Record<string, unknown>>,
        (s) => s.state === 'in-sync',
        { what: '/status in-sync' },
      ),
    );
    expect(status).toMatchObject({ behindBlocks: 0, watchedScripts: 3 });
    expect((status.ourTip as { hash: string }).hash).toBe((status.nodeTip as { hash: string }).hash);
    const metrics = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
    expect(metrics).toMatch(/forkline_crawler_blocks_applied_total\{process="crawler"\} \d+/);
    expect(metrics).toMatch(/forkline_crawler_tip_height/);
    child!.kill('SIGTERM');
    const [code] = (await once(child!, 'exit')) as [number | null];
    expect({ code, output: code === 0 ? '' : output.slice(-2000) }).toEqual({ code: 0, output: '' });
    child = undefined;
  });
});
