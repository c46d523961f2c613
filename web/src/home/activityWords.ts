import type { Activity, ActivityStatus, ActivityType } from '../api/types.js';
import { formatEur } from '../ui/format.js';

const KINDS: Record<ActivityType, string> = {
  receive: 'Receive',
  withdrawal: 'Withdrawal',
  self: 'Self',
  bid: 'Bid',
  ask: 'Ask',
  buy: 'Buy',
  sell: 'Sell',
};

/** The activity's kind as the list names it (an unknown future type shows as it is). */
export function kindWord(type: string): string {
  return (KINDS as Record<string, string>)[type] ?? type;
}

const confirmationsWord = (n: number | null): string =>
  n === null ? 'confirmed' : `${n} confirmation${n === 1 ? '' : 's'}`;

/** A transaction's (or a settlement's) status in words. */
export function statusWords(
  status: ActivityStatus,
  details: Pick<Activity, 'confirmations' | 'dropReason'>,
): string {
  switch (status) {
    case 'confirmed':
      return confirmationsWord(details.confirmations);
    case 'dropped':
      return details.dropReason === 'conflict'
        ? 'dropped (a conflicting payment confirmed)'
        : details.dropReason === 'evicted'
          ? 'dropped (left the mempool)'
          : 'dropped';
    case 'replaced':
      return 'replaced (fee bump)';
    case 'settling':
      return 'settling…';
    default:
      return status;
  }
}

/**
 * What the list says of an activity beside its amount: its status, and for an order its
 * limit, fill or reason; a buy or sell also says where its settlement stands.
 */
export function describeActivity(activity: Activity): { status: string; detail: string | null } {
  const status = statusWords(activity.status, activity);
  switch (activity.type) {
    case 'bid':
    case 'ask': {
      const limit =
        activity.limitPriceEurCents === null ? 'market' : `limit ${formatEur(activity.limitPriceEurCents)}`;
      const reason =
        activity.status === 'rejected' && activity.rejectReason ? `: ${activity.rejectReason}` : '';
      return { status: `${status}${reason}`, detail: limit };
    }
    case 'buy':
    case 'sell': {
      const fill =
        activity.priceEurCents === null
          ? 'filled'
          : `filled at ${formatEur(activity.priceEurCents)}${activity.eurCents === null ? '' : ` for ${formatEur(activity.eurCents)}`}`;
      const settlement = activity.settlement
        ? `settlement ${statusWords(activity.settlement.status, { confirmations: activity.settlement.confirmations, dropReason: activity.dropReason })}`
        : 'settlement settling…';
      return { status: settlement, detail: fill };
    }
    default:
      return { status, detail: null };
  }
}
