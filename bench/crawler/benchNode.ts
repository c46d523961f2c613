import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { createRpcClient, type RpcClient } from '#shared/bitcoind/rpcClient.js';
import { repoRoot } from '#shared/testing/stackEnv.js';
import { waitFor } from '#shared/testing/waitFor.js';

/**
 * A bitcoind of the benchmark's own, apart from the stack's node: the tests catch up
 * from genesis on the shared node, and 200,000 extra transactions there would slow
 * every run. Its datadir is kept between runs (the chain is the expensive part).
 */
export interface BenchNode {
  rpc: RpcClient;
  rpcUrl: string;
  dataDir: string;
  pid: number;
  stop(): Promise<void>;
}

const USER = 'bench';
const PASSWORD = 'bench';

export const runDir = process.env.FORKLINE_RUN_DIR ?? `${repoRoot}.run`;
export const benchDir = `${runDir}/bench-crawler`;

/** Ports clear of the stacks' (18543-19044 in steps of 100, ZMQ 28532-29032). */
function port(name: string, fallback: number): number {
  const raw = process.env[name];
  const value = raw === undefined || raw === '' ? fallback : Number(raw);
  if (!Number.isInteger(value) || value <= 0 || value > 65_535)
    throw new Error(`${name}: not a port: ${raw}`);
  return value;
}

export async function startBenchNode(): Promise<BenchNode> {
  const rpcPort = port('BENCH_BITCOIND_RPC_PORT', 19_243);
  const p2pPort = port('BENCH_BITCOIND_P2P_PORT', 19_244);
  const bitcoind = `${runDir}/bin/bitcoind`;
  if (!existsSync(bitcoind)) {
    console.log('installing bitcoind (regtest/bitcoind.sh install)…');
    await promisify(execFile)(`${repoRoot}regtest/bitcoind.sh`, ['install'], {
      env: { ...process.env, FORKLINE_RUN_DIR: runDir },
    });
  }
  const dataDir = `${benchDir}/data`;
  mkdirSync(dataDir, { recursive: true });
  // The flags of regtest/bitcoind.sh (-rest, -txindex, …), without wallet, ZMQ or P2P listener.
  writeFileSync(
    `${dataDir}/bitcoin.conf`,
    [
      '# Written by bench/crawler/benchNode.ts on every start.',
      'regtest=1',
      '[regtest]',
      'server=1',
      'rest=1',
      'txindex=1',
      'disablewallet=1',
      'listen=0',
      'dnsseed=0',
      'fixedseeds=0',
      'printtoconsole=0',
      'rpcbind=127.0.0.1',
      'rpcallowip=127.0.0.1',
      `rpcport=${rpcPort}`,
      `port=${p2pPort}`,
      `rpcuser=${USER}`,
      `rpcpassword=${PASSWORD}`,
      'rpcthreads=16',
      'rpcworkqueue=256',
      'dbcache=300',
      '',
    ].join('\n'),
  );
  const child: ChildProcess = spawn(
    bitcoind,
    [`-datadir=${dataDir}`, `-debuglogfile=${benchDir}/debug.log`],
    {
      stdio: 'ignore',
    },
  );
  let exited = false;
  const exit = new Promise<void>((resolve) =>
    child.once('exit', () => {
      exited = true;
      resolve();
    }),
  );
  // A bench that dies on an exception must not leave its node behind.
  const killOnExit = () => child.kill('SIGTERM');
  process.once('exit', killOnExit);

  const rpcUrl = `http://${USER}:${PASSWORD}@127.0.0.1:${rpcPort}`;
  const rpc = createRpcClient({ url: rpcUrl, timeoutMs: 300_000 });
  const state = await waitFor(
    async () =>
      exited
        ? 'exited'
        : await rpc.getBlockchainInfo().then(
            () => 'up',
            () => 'down',
          ),
    (s) => s !== 'down',
    { what: 'bench bitcoind RPC', timeoutMs: 120_000, intervalMs: 200 },
  );
  if (state === 'exited') throw new Error(`bench bitcoind exited at start-up, see ${benchDir}/debug.log`);
  return {
    rpc,
    rpcUrl,
    dataDir,
    pid: child.pid!,
    async stop() {
      process.off('exit', killOnExit);
      if (exited) return;
      await rpc.call('stop').catch(() => child.kill('SIGTERM'));
      const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
      await exit;
      clearTimeout(timer);
    },
  };
}
