import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Balance } from '../src/scenario/bffClient.js';
import { regtestFromStack, startForkline, type ForklineInstance } from '../src/scenario/forklineInstance.js';
import { createWalletUsers, type WalletUsers } from '../src/scenario/walletUsers.js';

const ROUNDS = Number(process.env.FRESHNESS_ROUNDS ?? 300);
const USERS = 8;

/**
 * The freshness promise, tried as a client relies on it: mine a block, read every user's
 * balance at minHeight = that block, and take the first answer. The chain's stream and
 * the users' streams sit in different partitions and are applied in separate
 * transactions; an answer must never claim a height whose events it does not hold yet.
 */
describe('forkline end to end: an answer at minHeight holds every event up to the height it claims', () => {
  const node = regtestFromStack();
  let forkline: ForklineInstance;
  let users: WalletUsers;
  const ids = Array.from({ length: USERS }, (_, i) => `fresh-${i}`);

  beforeAll(async () => {
    await node.ensureFunds(5);
    forkline = await startForkline('freshness', await node.height());
    users = createWalletUsers(node, forkline.bff);
    for (const id of ids) await users.register(id, ['bech32']);
  }, 180_000);

  afterAll(async () => {
    await forkline?.stop();
  });

  it(`${ROUNDS} rounds of pay, mine, read: the first answer is never older than the tip it claims`, async () => {
    const received = new Map(ids.map((id) => [id, 0]));
    let waited = 0;
    for (let round = 1; round <= ROUNDS; round++) {
      // Every user is paid in every block, a different amount each round.
      const outputs: Record<string, number> = {};
      ids.forEach((id, i) => {
        const sats = 1_000 + round * 10 + i;
        outputs[users.addressesOf(id)[0]!] = sats / 100_000_000;
        received.set(id, received.get(id)! + sats);
      });
      await node.sendMany(outputs);
      const [hash] = await node.mine(1);
      const height = await node.height();
      const started = performance.now();
      const answers = await Promise.all(
        ids.map((id) =>
          forkline.bff.request<Balance>('GET', `/v1/users/${id}/balance?minHeight=${height}&waitMs=20000`),
        ),
      );
      waited += performance.now() - started;
      answers.forEach((answer, i) => {
        const id = ids[i]!;
        const claim = `round ${round}, ${id}: tip ${JSON.stringify(answer.body.tip)}`;
        expect(answer.headers.get('forkline-behind'), claim).toBe('false');
        expect(answer.body.tip, claim).toEqual({ height, hash });
        expect(answer.headers.get('forkline-tip-height'), claim).toBe(String(height));
        expect(answer.body.confirmedSats, claim).toBe(received.get(id));
      });
    }
    console.log(
      `freshness: ${ROUNDS} rounds × ${USERS} users, first answers all exact; mean wait for minHeight ${(waited / ROUNDS).toFixed(1)} ms`,
    );
  }, 900_000);
});
