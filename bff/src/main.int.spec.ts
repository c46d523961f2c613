import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '#shared/testing/freePort.js';
import { readStackEnv, repoRoot } from '#shared/testing/stackEnv.js';
import { createTestDatabases, type TestDatabases } from '#shared/testing/testDatabases.js';
import { waitFor } from '#shared/testing/waitFor.js';
import { seedUser } from './testing/seedViews.js';
import { TEST_ADMIN_TOKEN, TEST_JWT_SECRET } from './testing/testApp.js';

const run = promisify(execFile);

describe('the processes: main.ts and tokenMain.ts', () => {
  let dbs: TestDatabases;
  let child: ChildProcess | undefined;
  beforeAll(async () => {
    dbs = await createTestDatabases('bff-main');
    await seedUser(dbs.views, 'proc-user', { confirmedSats: 7 });
  });
  afterAll(async () => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
    await dbs.drop();
  });

  it('starts, serves a minted user token, and stops cleanly on SIGTERM', async () => {
    const stack = readStackEnv();
    const port = await freePort();
    const env = {
      ...process.env,
      ONLINE_DATABASE_URL: dbs.onlineUrl,
      VIEWS_DATABASE_URL: dbs.viewsUrl,
      BITCOIND_RPC_URL: stack.BITCOIND_RPC_URL,
      FORKLINE_ADMIN_TOKEN: TEST_ADMIN_TOKEN,
      FORKLINE_JWT_SECRET: TEST_JWT_SECRET,
      BFF_PORT: String(port),
      LOG_LEVEL: 'warn',
    };
    // node itself (not the npx wrapper), so SIGTERM reaches the BFF's own handler.
    child = spawn(process.execPath, ['--import', 'tsx', 'bff/src/main.ts'], {
      cwd: repoRoot,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<number | null>((r) => child!.once('exit', (code) => r(code)));
    const url = `http://127.0.0.1:${port}`;
    await waitFor(
      async () => (await fetch(`${url}/healthz`)).status,
      (s) => s === 200,
      { what: 'the BFF to listen' },
    );

    const { stdout } = await run('npx', ['tsx', 'bff/src/tokenMain.ts', 'proc-user', '--ttl', '60'], {
      cwd: repoRoot,
      env,
    });
    const token = stdout.trim();
    expect(token).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    const res = await fetch(`${url}/v1/users/proc-user/balance`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ userId: 'proc-user', confirmedSats: 7 });
    expect(
      (await fetch(`${url}/v1/users/other/balance`, { headers: { authorization: `Bearer ${token}` } }))
        .status,
    ).toBe(403);

    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });

  it('a bad setting stops start-up with one line naming it', async () => {
    const env = {
      ...process.env,
      ONLINE_DATABASE_URL: dbs.onlineUrl,
      VIEWS_DATABASE_URL: dbs.viewsUrl,
      BITCOIND_RPC_URL: 'http://u:p@127.0.0.1:1',
      FORKLINE_ADMIN_TOKEN: 'short',
      FORKLINE_JWT_SECRET: TEST_JWT_SECRET,
    };
    const failed = await run('npx', ['tsx', 'bff/src/main.ts'], { cwd: repoRoot, env }).catch(
      (err: { code: number; stderr: string }) => err,
    );
    expect(failed).toMatchObject({ code: 2 });
    expect((failed as { stderr: string }).stderr.trim()).toBe(
      'invalid configuration: FORKLINE_ADMIN_TOKEN: must be at least 16 characters (generate one with: openssl rand -hex 24) (got "***")',
    );
    const badUser = await run('npx', ['tsx', 'bff/src/tokenMain.ts', 'bad user'], {
      cwd: repoRoot,
      env,
    }).catch((err: { code: number; stderr: string }) => err);
    expect(badUser).toMatchObject({ code: 1 });
    expect((badUser as { stderr: string }).stderr).toMatch(/1 to 64 characters/);
  });
});
