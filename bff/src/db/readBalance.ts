import type { Executor } from '#shared/db/pool.js';
import { readBalances, type BalanceView } from './readBalances.js';

export type { BalanceView };

/**
 * One user's projected balance and the projection's tip (one snapshot); undefined when
 * the read side knows no such user. The same statement as readBalances, for one user.
 */
export async function readBalance(ex: Executor, userId: string): Promise<BalanceView | undefined> {
  return (await readBalances(ex, [userId])).get(userId);
}
