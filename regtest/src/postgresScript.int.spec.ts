import { execFile } from 'node:child_process';
import { mkdtempSync, readlinkSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '#shared/testing/freePort.js';
import { repoRoot } from '#shared/testing/stackEnv.js';

const run = promisify(execFile);

/** The stack's PostgreSQL from a checkout in a folder only its owner may enter. */
describe('regtest/postgres.sh in a private folder', () => {
  // mkdtemp makes the folder 0700, like a checkout under /root.
  const privateDir = mkdtempSync(join(tmpdir(), 'forkline-private-'));
  const runDir = join(privateDir, 'run');
  let env: NodeJS.ProcessEnv;
  const script = (command: string) =>
    run(`${repoRoot}regtest/postgres.sh`, [command], { cwd: repoRoot, env, timeout: 120_000 });

  afterAll(async () => {
    await script('stop').catch(() => undefined);
    const pgDir = join(runDir, 'postgres');
    const linked = (() => {
      try {
        return readlinkSync(pgDir);
      } catch {
        return undefined;
      }
    })();
    if (linked) rmSync(linked, { recursive: true, force: true });
    rmSync(privateDir, { recursive: true, force: true });
  });

  it('starts, answers and stops', async () => {
    expect(statSync(privateDir).mode & 0o777).toBe(0o700);
    env = { ...process.env, FORKLINE_RUN_DIR: runDir, PG_PORT: String(await freePort()) };
    await script('start');
    const { stdout } = await script('status');
    expect(stdout).toMatch(/^postgres {2}running {2}127\.0\.0\.1:\d+ {2}PostgreSQL \d+/);
    await script('stop');
    await expect(script('status')).rejects.toMatchObject({ code: 3 });
  });
});
