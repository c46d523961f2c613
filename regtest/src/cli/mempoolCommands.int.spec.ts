import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createRegtestNode } from '#shared/testing/regtestNode.js';
import { readStackEnv, repoRoot } from '#shared/testing/stackEnv.js';

const execFileAsync = promisify(execFile);

/** `forkline send`, `bump` and `replace` as a developer runs them, against the regtest node. */
describe('the CLI verbs for pending transactions', () => {
  const stack = readStackEnv();
  const node = createRegtestNode(stack.BITCOIND_RPC_URL, stack.BITCOIND_WALLET);
  const mempool = () => node.rpc.call<string[]>('getrawmempool');
  const forkline = async (...args: string[]) =>
    (await execFileAsync('node', [`${repoRoot}regtest/bin/forkline.mjs`, ...args], { cwd: repoRoot })).stdout;
  const refusal = (...args: string[]) =>
    forkline(...args).then(
      () => '',
      (err: { code: number; stderr: string }) => `${err.code}: ${err.stderr.trim()}`,
    );

  beforeAll(() => node.ensureFunds(5));
  afterEach(async () => {
    while ((await mempool()).length > 0) await node.mine(1);
  });
  afterAll(() => node.rpc.close());

  it('send prints the txid and says it is pending; bump and replace print what replaced what', async () => {
    const payee = await node.newAddress();
    const sent = await forkline('send', payee, '0.25');
    const [, txid] = /^sent 0\.25 BTC to \S+: ([0-9a-f]{64})\npending: .*mempool.*mined/.exec(sent) ?? [];
    expect(txid).toBeDefined();
    expect(await mempool()).toEqual([txid]);

    const bumpedOut = await forkline('bump', txid!);
    const [, bumped] =
      new RegExp(`^bumped ${txid} -> ([0-9a-f]{64})\\n${txid} is replaced`).exec(bumpedOut) ?? [];
    expect(await mempool()).toEqual([bumped]);

    const elsewhere = await node.newAddress('bech32m');
    const replacedOut = await forkline('replace', bumped!.toUpperCase(), '--to', elsewhere);
    const [, replaced] =
      new RegExp(`^replaced ${bumped} with ([0-9a-f]{64}), paying ${elsewhere}\\n`).exec(replacedOut) ?? [];
    expect(await mempool()).toEqual([replaced]);

    // The originals are gone: replacing one again is refused in words, not with a stack trace.
    expect(await refusal('bump', txid!)).toMatch(
      new RegExp(`^1: forkline: ${txid} is not in the mempool \\(confirmed, replaced or unknown\\)`),
    );
  });

  it('refuses a malformed txid or address before asking the node', async () => {
    expect(await refusal('bump', 'abc')).toBe(
      '1: forkline: txid must be a txid, 64 hex characters (got "abc")',
    );
    expect(
      await refusal('replace', 'ab'.repeat(32), '--to', 'bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4'),
    ).toMatch(/^1: forkline: "bc1q\w+" is a mainnet address, but this forkline follows regtest$/);
    expect(await refusal('replace', 'ab'.repeat(32))).toMatch(
      /required option '--to <address>' not specified/,
    );
  });
});
