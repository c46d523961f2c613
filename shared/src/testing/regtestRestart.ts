import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import type { RpcClient } from '../bitcoind/rpcClient.js';
import { RegtestError } from './regtestError.js';
import { repoRoot, runDir } from './stackEnv.js';
import { waitFor } from './waitFor.js';

const execFileAsync = promisify(execFile);

/**
 * Restarts the local regtest node with nothing in its mempool, as a node restarted
 * without its mempool.dat (`regtest/bitcoind.sh restart --empty-mempool`: same
 * bitcoin.conf, so the same ports; the wallets' unconfirmed transactions are abandoned,
 * or the wallets would submit them again). Resolves once `rpc` answers and `wallet` is loaded.
 */
export async function restartWithEmptyMempool(
  rpc: RpcClient,
  rpcUrl: string,
  ensureWallet: () => Promise<void>,
): Promise<void> {
  // The script restarts the node of this checkout's run directory: refuse when this
  // handle talks to another one, rather than restart a node nobody asked about.
  const conf = readFileSync(`${runDir}/bitcoind/data/bitcoin.conf`, 'utf8');
  const confPort = /^rpcport=(\d+)$/m.exec(conf)?.[1];
  const urlPort = new URL(rpcUrl).port;
  if (confPort !== urlPort) {
    throw new RegtestError(
      `the node of ${runDir} listens for RPC on port ${confPort ?? '?'}, this handle uses ${urlPort}: not restarting`,
    );
  }
  try {
    await execFileAsync(`${repoRoot}regtest/bitcoind.sh`, ['restart', '--empty-mempool'], { cwd: repoRoot });
  } catch (err) {
    const { stderr } = err as { stderr?: string };
    throw new RegtestError(
      `regtest/bitcoind.sh restart --empty-mempool failed: ${stderr?.trim() ?? String(err)}`,
      {
        cause: err,
      },
    );
  }
  await waitFor(() => rpc.getBlockchainInfo(), Boolean, { what: 'the restarted node to answer RPC' });
  await ensureWallet();
}
