import type { Activity } from '../api/types.js';
import { h, present } from '../ui/dom.js';
import { formatBtc, formatTime } from '../ui/format.js';
import { activityKey } from './mergeActivities.js';
import { describeActivity, kindWord } from './activityWords.js';

/** One row of the activity list: kind and amount, then status, the order's terms and the time. */
function activityItem(activity: Activity): HTMLLIElement {
  const { status, detail } = describeActivity(activity);
  const txid = activity.txid ?? activity.settlement?.txid ?? undefined;
  return h(
    'li',
    {
      class: `activity status-${activity.status}`,
      'data-key': activityKey(activity),
      'data-txid': txid,
      'data-order-id': activity.orderId ?? undefined,
      'data-status': activity.status,
    },
    h(
      'div',
      { class: 'activity-line' },
      h('span', { class: 'kind' }, kindWord(activity.type)),
      h(
        'span',
        { class: `amount ${activity.amountSats < 0 ? 'negative' : 'positive'}` },
        formatBtc(activity.amountSats, { signed: true }),
      ),
    ),
    h(
      'div',
      { class: 'activity-line muted' },
      h('span', { class: 'status' }, status),
      detail !== null && h('span', { class: 'detail' }, detail),
      h('time', { datetime: activity.firstSeenAt }, formatTime(activity.firstSeenAt)),
    ),
    txid !== undefined && h('p', { class: 'txid small muted', title: txid }, txid),
  );
}

/** The activity list, newest first; the "load more" button shows while the walk has a next page. */
export function renderActivities(
  section: HTMLElement,
  activities: readonly Activity[],
  more: { hasMore: boolean; loading: boolean; onLoadMore: () => void },
): void {
  const button = h(
    'button',
    { id: 'load-more', type: 'button', class: 'secondary', disabled: more.loading },
    more.loading ? 'Loading…' : 'Load more',
  );
  button.addEventListener('click', more.onLoadMore);
  section.replaceChildren(
    ...present(
      h('h2', { id: 'activity-title' }, 'Activity'),
      activities.length === 0
        ? h('p', { id: 'activity-empty', class: 'muted' }, 'No activity yet.')
        : h('ol', { id: 'activity-list', class: 'activities' }, activities.map(activityItem)),
      more.hasMore && button,
    ),
  );
}
