import type { Executor } from '#shared/db/pool.js';
import { userStream } from '#shared/events/streams.js';
import { LIVE_PROJECTION } from '#shared/views/projectionTables.js';
import { userTipSql } from '#shared/views/userTipSql.js';
import {
  ACTIVITY_JSON_COLUMNS,
  toActivityRow,
  type ActivityJson,
  type ActivityRow,
} from './readActivitiesPage.js';
import type { Tip } from './tables.js';

/** Some of a user's activities by id, with the chain position their rows reflect. */
export interface UserActivities {
  tip: Tip | null;
  /** By activity id (a transaction's txid, an order's `order:<orderId>`); absent ids have no row. */
  rows: Map<string, ActivityRow>;
}

/**
 * The current rows of the given activities of several users, each user's with their tip
 * (userTipSql), in one statement: what a live update carries.
 */
export async function readActivitiesById(
  ex: Executor,
  wanted: readonly { userId: string; activityIds: readonly string[] }[],
): Promise<Map<string, UserActivities>> {
  const { rows } = await ex.query<{
    user_id: string;
    tip_height: number | null;
    tip_hash: string | null;
    items: (ActivityJson & { activity_id: string })[];
  }>({
    name: 'bff_read_activities_by_id',
    text: `SELECT k.user_id, t.height AS tip_height, t.hash AS tip_hash,
                  coalesce((SELECT json_agg(a) FROM (
                      SELECT activity_id, ${ACTIVITY_JSON_COLUMNS}
                        FROM ${LIVE_PROJECTION.activities}
                       WHERE user_id = k.user_id
                         AND activity_id IN (SELECT jsonb_array_elements_text(k.ids::jsonb))) a),
                    '[]'::json) AS items
           FROM unnest($1::text[], $2::text[], $3::text[]) AS k(user_id, stream, ids)
           LEFT JOIN LATERAL (${userTipSql(LIVE_PROJECTION, 'k.stream')}) t ON true`,
    values: [
      wanted.map((w) => w.userId),
      wanted.map((w) => userStream(w.userId)),
      wanted.map((w) => JSON.stringify(w.activityIds)),
    ],
  });
  const out = new Map<string, UserActivities>();
  for (const r of rows) {
    out.set(r.user_id, {
      tip: r.tip_height === null || r.tip_hash === null ? null : { height: r.tip_height, hash: r.tip_hash },
      rows: new Map(r.items.map((a) => [a.activity_id, toActivityRow(a)])),
    });
  }
  return out;
}
