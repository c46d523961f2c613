import type { Activity } from '../api/types.js';

/** An activity's identity across answers: its order, else its transaction. */
export function activityKey(activity: Pick<Activity, 'orderId' | 'txid' | 'firstSeenAt'>): string {
  if (activity.orderId !== null) return `order:${activity.orderId}`;
  if (activity.txid !== null) return `tx:${activity.txid}`;
  return `at:${activity.firstSeenAt}`;
}

/**
 * The list after a live change: each changed item replaces the shown one with its
 * identity in place, a new one goes on top (newest first, as the change lists them). An
 * order whose settlement transaction has been shown as a plain receive or withdrawal
 * until the link arrived absorbs that row, as the BFF's list does.
 */
export function mergeActivities(shown: readonly Activity[], changed: readonly Activity[]): Activity[] {
  const settled = new Set(
    changed.filter((a) => a.orderId !== null && a.txid !== null).map((a) => a.txid as string),
  );
  const list = shown.filter((a) => !(a.orderId === null && a.txid !== null && settled.has(a.txid)));
  const index = new Map(list.map((a, i) => [activityKey(a), i]));
  const fresh: Activity[] = [];
  for (const activity of changed) {
    const at = index.get(activityKey(activity));
    if (at === undefined) fresh.push(activity);
    else list[at] = activity;
  }
  return [...fresh, ...list];
}

/** The list with a further page appended, skipping items a live change already showed. */
export function appendPage(shown: readonly Activity[], page: readonly Activity[]): Activity[] {
  const keys = new Set(shown.map(activityKey));
  return [...shown, ...page.filter((a) => !keys.has(activityKey(a)))];
}
