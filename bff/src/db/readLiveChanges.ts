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
    text: `SELECT q.user_id, ${BALANCE_COLUMNS},
                  CASE WHEN q.ids = '[]' THEN '[]'::json
                       ELSE coalesce((SELECT json_agg(a) FROM (
                           SELECT activity_id, ${ACTIVITY_JSON_COLUMNS}
                             FROM ${LIVE_PROJECTION.activities}
                            WHERE user_id = q.user_id
                              AND activity_id IN (SELECT jsonb_array_elements_text(q.ids::jsonb))) a),
                         '[]'::json) END AS items
           FROM unnest($1::text[], $2::text[], $3::text[]) AS q(user_id, stream, ids)
           ${BALANCE_JOINS}`,
    values: [
      wanted.map((w) => w.userId),
      wanted.map((w) => userStream(w.userId)),
      wanted.map((w) => JSON.stringify(w.activityIds)),
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
