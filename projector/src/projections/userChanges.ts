import type { ActivitiesResult } from './activities.js';
import type { BalanceDelta } from './balances.js';
import type { User } from './users.js';

/** What a batch changed for one user: their balance, and these activities (may be none). */
export interface UserChange {
  userId: string;
  activityIds: string[];
}

/**
 * Which users a batch changed, for live updates: each user whose balance moved, who was
 * registered, or whose activities changed (written or deleted), with those activities'
 * ids in the order the batch first touched them. Users in first-touched order.
 */
export function projectUserChanges(
  activities: Pick<ActivitiesResult, 'changes' | 'deleted'>,
  balances: readonly Pick<BalanceDelta, 'userId'>[],
  users: readonly Pick<User, 'userId'>[],
): UserChange[] {
  const byUser = new Map<string, Set<string>>();
  const touch = (userId: string) => {
    let ids = byUser.get(userId);
    if (!ids) byUser.set(userId, (ids = new Set()));
    return ids;
  };
  for (const u of users) touch(u.userId);
  for (const c of activities.changes) touch(c.userId).add(c.activityId);
  for (const d of activities.deleted) touch(d.userId).add(d.activityId);
  for (const b of balances) touch(b.userId);
  return [...byUser].map(([userId, ids]) => ({ userId, activityIds: [...ids] }));
}
