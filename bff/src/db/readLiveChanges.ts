import type { Executor } from '#shared/db/pool.js';
import { userStream } from '#shared/events/streams.js';
import { LIVE_PROJECTION } from '#shared/views/projectionTables.js';
import {
  ACTIVITY_JSON_COLUMNS,
  toActivityRow,
  type ActivityJson,
  type ActivityRow,
} from './readActivitiesPage.js';
import {
  BALANCE_COLUMNS,
  BALANCE_JOINS,
  toBalanceView,
  type BalanceRow,
  type BalanceView,
} from './readBalances.js';
import type { Tip } from './tables.js';

/** Some of a user's activities by id, with the chain position their rows reflect. */
export interface UserActivities {
  tip: Tip | null;
  /** By activity id (a transaction's txid, an order's `order:<orderId>`); absent ids have no row. */
  rows: Map<string, ActivityRow>;
}

/** What a live update of one user carries. */
export interface LiveChange {
  /** Null for a user the read side does not know. */
  balance: BalanceView | null;
  activities: UserActivities;
}

/**
 * Several users' balances and the current rows of the given activities of each, with the
 * chain position they reflect (computed once per user), in one statement: one snapshot
 * for what the live updates of a step carry.
 */
export async function readLiveChanges(
  ex: Executor,
  wanted: readonly { userId: string; activityIds: readonly string[] }[],
): Promise<Map<string, LiveChange>> {
  const { rows } = await ex.query<BalanceRow & { items: (ActivityJson & { activity_id: string })[] }>({
    name: 'bff_read_live_changes',
    // Each wanted activity is one probe of the primary key, however many rows its user has
    // (LIMIT 1 keeps the subquery a per-key lookup rather than a join the planner may hash).
    text: `WITH changed AS (
             SELECT w.user_id, json_agg(x) AS items
               FROM unnest($3::text[], $4::text[]) AS w(user_id, activity_id)
               CROSS JOIN LATERAL (
                 SELECT a.activity_id, ${ACTIVITY_JSON_COLUMNS} FROM ${LIVE_PROJECTION.activities} a
                  WHERE a.user_id = w.user_id AND a.activity_id = w.activity_id LIMIT 1) x
              GROUP BY w.user_id)
           SELECT q.user_id, ${BALANCE_COLUMNS}, coalesce(changed.items, '[]'::json) AS items
           FROM unnest($1::text[], $2::text[]) AS q(user_id, stream)
           ${BALANCE_JOINS}
           LEFT JOIN changed ON changed.user_id = q.user_id`,
    values: [
      wanted.map((w) => w.userId),
      wanted.map((w) => userStream(w.userId)),
      wanted.flatMap((w) => w.activityIds.map(() => w.userId)),
      wanted.flatMap((w) => w.activityIds),
    ],
  });
  const out = new Map<string, LiveChange>();
  for (const row of rows) {
    const balance = toBalanceView(row);
    out.set(row.user_id, {
      balance: row.known ? balance : null,
      activities: {
        tip: balance.tip,
        rows: new Map(row.items.map((a) => [a.activity_id, toActivityRow(a)])),
      },
    });
  }
  return out;
}
