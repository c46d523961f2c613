import type { Activity } from '../api/types.js';

/** An activity's identity across answers: its order, else its transaction. */
export function activityKey(activity: Pick<Activity, 'orderId' | 'txid' | 'firstSeenAt'>): string {
  if (activity.orderId !== null) return `order:${activity.orderId}`;
  if (activity.txid !== null) return `tx:${activity.txid}`;
  return `at:${activity.firstSeenAt}`;
}

/** The key of an id the event stream lists as removed: a txid, or `order:<orderId>`. */
const removedKey = (id: string): string => (id.startsWith('order:') ? id : `tx:${id}`);

const newestFirst = (a: Activity, b: Activity): number => b.firstSeenAt.localeCompare(a.firstSeenAt);

/**
 * The list after a live change: each changed item replaces the shown one with its
 * identity in place, new ones go on top (newest first), removed ones leave. An order whose
 * settlement transaction has been shown as a plain receive or withdrawal until the link
 * arrived absorbs that row, as the BFF's list does, whether or not the change names it.
 */
export function mergeActivities(
  shown: readonly Activity[],
  changed: readonly Activity[],
  removed: readonly string[] = [],
): Activity[] {
  const settled = new Set(
    changed.filter((a) => a.orderId !== null && a.txid !== null).map((a) => a.txid as string),
  );
  const gone = new Set(removed.map(removedKey));
  const list = shown.filter(
    (a) => !gone.has(activityKey(a)) && !(a.orderId === null && a.txid !== null && settled.has(a.txid)),
  );
  const index = new Map(list.map((a, i) => [activityKey(a), i]));
  const fresh: Activity[] = [];
  for (const activity of changed) {
    const at = index.get(activityKey(activity));
    if (at === undefined) fresh.push(activity);
    else list[at] = activity;
  }
  return [...fresh.sort(newestFirst), ...list];
}

/**
 * The list with confirmations counted against a new chain tip (tip − blockHeight + 1), as
 * the BFF counts them, for the `tip` events that move the chain without changing the user.
 */
export function withTip(shown: readonly Activity[], tipHeight: number): Activity[] {
  return shown.map((a) => {
    if (a.status !== 'confirmed' || a.blockHeight === null) return a;
    const confirmations = Math.max(0, tipHeight - a.blockHeight + 1);
    if (confirmations === a.confirmations) return a;
    const settlement = a.settlement && { ...a.settlement, confirmations };
    return { ...a, confirmations, settlement };
  });
}

/** The list with a further page appended, skipping items a live change already showed. */
export function appendPage(shown: readonly Activity[], page: readonly Activity[]): Activity[] {
  const keys = new Set(shown.map(activityKey));
  return [...shown, ...page.filter((a) => !keys.has(activityKey(a)))];
}
