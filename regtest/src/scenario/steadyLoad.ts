import { setTimeout as sleep } from 'node:timers/promises';
import type { RegtestNode } from '#shared/testing/regtestNode.js';
import type { WalletUsers } from './walletUsers.js';

export interface LoadCount {
  payments: number;
  blocks: number;
}

/**
 * Runs `fault` under a steady load — a payment to one of `userIds` every ~200 ms and a
 * block every 7th — going on 3 s before it, during it and 3 s after; adds to `count`. The
 * node is not the fault here: its calls succeed throughout.
 */
export async function underSteadyLoad(
  node: RegtestNode,
  users: WalletUsers,
  userIds: readonly string[],
  count: LoadCount,
  fault: () => Promise<void>,
): Promise<void> {
  let running = true;
  const load = (async () => {
    for (let next = 1; running; next++) {
      await node.send(users.addressesOf(userIds[next % userIds.length]!)[0]!, 0.001 * (1 + (next % 7)));
      count.payments++;
      if (next % 7 === 0) {
        await node.mine(1);
        count.blocks++;
      }
      await sleep(200);
    }
  })();
  try {
    await sleep(3_000);
    await fault();
    await sleep(3_000);
  } finally {
    running = false;
    await load;
  }
}
