import { expectedPending } from '#shared/testing/expectedPending.js';
import { waitFor } from '#shared/testing/waitFor.js';
import type { RegtestNode } from '#shared/testing/regtestNode.js';
import type { Activity, Balance, BffClient } from './bffClient.js';
import type { WalletUsers } from './walletUsers.js';

interface ReadSideStatus {
  projector?: { tip?: { height: number; hash: string } | null };
}

export interface UserCheck {
  userId: string;
  oracleSats: number;
  balance: Balance;
}

/**
 * The user's transactions in a given status, as the activities show them: chain rows'
 * own, and the settlements inside order rows (a settlement never has a row of its own).
 */
export function transactionsIn(
  activities: readonly Activity[],
  status: string,
): { txid: string; deltaSats: number; blockHash: string | null; confirmations: number | null }[] {
  return activities.flatMap((a) => {
    if (a.orderId === null) {
      return a.status === status && a.txid !== null
        ? [{ txid: a.txid, deltaSats: a.amountSats, blockHash: a.blockHash, confirmations: a.confirmations }]
        : [];
    }
    const s = a.settlement;
    return s && s.status === status && s.deltaSats !== null
      ? [{ txid: s.txid, deltaSats: s.deltaSats, blockHash: a.blockHash, confirmations: s.confirmations }]
      : [];
  });
}

/**
 * The end-to-end invariant, with bitcoind as the oracle: once the projection's chain has
 * reached the node's tip, every user's first answer at minHeight = that height is exact —
 * its confirmed balance equals what the node says their addresses hold, equals the sum of
 * their confirmed chain activities plus the deltas of their orders' confirmed settlements,
 * and every confirmed transaction (a chain row or a settlement) is in the node's main
 * chain, in that block; and every user's pending figure and pending transactions are what
 * the node's mempool says (the mempool has no height to wait for: polled).
 */
export async function expectMatchesNode(
  node: RegtestNode,
  bff: BffClient,
  users: WalletUsers,
  timeoutMs = 60_000,
): Promise<UserCheck[]> {
  const height = await node.height();
  const bestHash = await node.bestHash();
  // Only the chain is waited for: minHeight cannot tell a block at that height from
  // another one a reorg put there.
  await waitFor(
    async () => (await bff.request<ReadSideStatus>('GET', '/v1/status')).body.projector?.tip?.hash,
    (hash) => hash === bestHash,
    { timeoutMs, intervalMs: 50, what: `the read side's chain to reach ${height} ${bestHash}` },
  );
  const checks: UserCheck[] = [];
  for (const userId of users.users.keys()) {
    const oracleSats = await users.oracle(userId);
    const balance = await bff.balance(userId, height, Math.min(timeoutMs, 30_000));
    if (balance.tip?.hash !== bestHash || balance.confirmedSats !== oracleSats) {
      throw new Error(
        `${userId}: the first answer at minHeight ${height} says ${balance.confirmedSats} sats at ` +
          `${JSON.stringify(balance.tip)}; the node says ${oracleSats} sats at ${height} ${bestHash}`,
      );
    }
    const activities = await bff.allActivities(userId);
    const confirmed = transactionsIn(activities, 'confirmed');
    const sum = confirmed.reduce((s, a) => s + a.deltaSats, 0);
    if (sum !== balance.confirmedSats) {
      throw new Error(`${userId}: confirmed activities sum to ${sum}, balance says ${balance.confirmedSats}`);
    }
    for (const activity of confirmed) {
      const tx = await node.rpc.call<{ blockhash?: string }>('getrawtransaction', [activity.txid, true]);
      const header = tx.blockhash ? await node.rpc.getBlockHeader(tx.blockhash) : undefined;
      if (!header || header.confirmations < 1 || tx.blockhash !== activity.blockHash) {
        throw new Error(
          `${userId}: activity ${activity.txid} says confirmed in ${activity.blockHash}, the node has it in ${tx.blockhash ?? 'no block'}`,
        );
      }
      if (activity.confirmations !== height - header.height + 1) {
        throw new Error(
          `${userId}: activity ${activity.txid} has ${activity.confirmations} confirmations, expected ${height - header.height + 1}`,
        );
      }
    }
    checks.push({ userId, oracleSats, balance });
  }
  await expectPendingMatchesNode(node, bff, users, timeoutMs);
  return checks;
}

/** Each user's pendingSats and pending activities equal what the node's mempool says. */
export async function expectPendingMatchesNode(
  node: RegtestNode,
  bff: BffClient,
  users: WalletUsers,
  timeoutMs = 60_000,
): Promise<void> {
  const owners: Record<string, string> = {};
  for (const [userId, addresses] of users.users) for (const a of addresses) owners[a] = userId;
  const expected = await expectedPending(node, owners);
  for (const userId of users.users.keys()) {
    const want = expected.get(userId)!;
    await waitFor(
      async () => {
        const balance = await bff.balance(userId);
        const pending = transactionsIn(await bff.allActivities(userId), 'pending')
          .map((a) => a.txid)
          .sort();
        return {
          pendingSats: balance.pendingSats,
          txids: pending,
          total: balance.totalSats - balance.confirmedSats,
        };
      },
      (got) =>
        got.pendingSats === want.pendingSats &&
        got.total === want.pendingSats &&
        JSON.stringify(got.txids) === JSON.stringify([...want.txids].sort()),
      {
        timeoutMs,
        intervalMs: 100,
        what: `${userId}'s pending to equal the node's mempool: ${want.pendingSats} sats in ${want.txids.join(', ') || 'nothing'}`,
      },
    );
  }
}
