import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readStackEnv, repoRoot, runDir } from '#shared/testing/stackEnv.js';
import { regtestFromStack } from './scenario/forklineInstance.js';

const run = promisify(execFile);

/**
 * Two checkouts on one machine, the second run without its port overrides: its
 * `bitcoind.sh` must neither stop nor adopt the first one's node answering on that port.
 */
describe('regtest/bitcoind.sh beside another checkout', () => {
  let other: string;
  const script = (command: string) =>
    run(`${repoRoot}regtest/bitcoind.sh`, [command], {
      cwd: repoRoot,
      env: {
        ...process.env,
        FORKLINE_RUN_DIR: other,
        BITCOIND_RPC_PORT: new URL(readStackEnv().BITCOIND_RPC_URL).port,
      },
    });

  beforeAll(() => {
    // Another checkout's run directory: the same binaries, a data directory of its own.
    other = mkdtempSync(join(tmpdir(), 'forkline-other-'));
    symlinkSync(join(runDir, 'bin'), join(other, 'bin'));
    mkdirSync(join(other, 'bitcoind', 'data'), { recursive: true });
    symlinkSync(join(runDir, 'bitcoind', 'root'), join(other, 'bitcoind', 'root'));
  });
  afterAll(() => rmSync(other, { recursive: true, force: true }));

  it('stop leaves the node it did not start running', async () => {
    const node = regtestFromStack();
    const before = await node.height();
    const { stderr } = await script('stop');
    expect(stderr).toMatch(/another checkout's: left running/);
    expect(await node.height()).toBeGreaterThanOrEqual(before);
  });

  it('start refuses to adopt it, naming the port to set', async () => {
    await expect(script('start')).rejects.toMatchObject({
      stderr: expect.stringMatching(/is not this checkout's .* set BITCOIND_RPC_PORT/) as string,
    });
  });
});
