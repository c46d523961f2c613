import type { Executor } from '#shared/db/pool.js';
import { LIVE_PROJECTION } from '#shared/views/projectionTables.js';
import { EVERY_USER } from '#shared/views/userChanges.js';
import { mergeRanges } from './mergeRanges.js';

/** One batch's change for one user (or, for user '*', for every user: start over). */
export interface UserChangeRow {
  id: number;
  userId: string;
  activityIds: string[];
}

const COLUMNS = 'c.id, c.user_id AS "userId", c.activity_ids AS "activityIds"';

/**
 * The rows some NOTIFYs announced (each `from`..`to`: one batch's, and any other
 * transaction's in between that has committed), in id order, in one statement: notices
 * that queued up while the previous ones were sent are read together. Not filtered by
 * user in SQL: an `= ANY(subscribers)` test per row costs thousands of comparisons each
 * with thousands of subscribers, while the caller looks each row's user up in a map.
 */
export async function readChangesIn(
  ex: Executor,
  ranges: readonly { from: number; to: number }[],
): Promise<UserChangeRow[]> {
  const merged = mergeRanges(ranges);
  const { rows } = await ex.query<UserChangeRow>({
    name: 'bff_read_changes_in',
    text: `SELECT ${COLUMNS} FROM unnest($1::int8[], $2::int8[]) AS r(lo, hi)
             JOIN ${LIVE_PROJECTION.userChanges} c ON c.id BETWEEN r.lo AND r.hi
            ORDER BY c.id`,
    values: [merged.map((r) => r.from), merged.map((r) => r.to)],
  });
  return rows;
}

/**
 * Every row after each user's position (and every '*' row after the lowest of them), for
 * subscribers resuming with Last-Event-ID or catching up after the BFF lost its LISTEN
 * connection; with `oldest`, the lowest id still kept (null when none is), so a position
 * from before it is known to have lost rows to retention.
 */
export async function readChangesAfter(
  ex: Executor,
  positions: readonly { userId: string; after: number }[],
): Promise<{ rows: UserChangeRow[]; oldest: number | null; newest: number | null }> {
  const { rows } = await ex.query<UserChangeRow & { oldest: number | null; newest: number | null }>({
    name: 'bff_read_changes_after',
    text: `WITH p AS (SELECT * FROM unnest($1::text[], $2::int8[]) AS p(user_id, after)),
                bounds AS (SELECT min(id) AS oldest, max(id) AS newest FROM ${LIVE_PROJECTION.userChanges}),
                found AS (
                  SELECT ${COLUMNS} FROM p JOIN ${LIVE_PROJECTION.userChanges} c
                    ON c.user_id = p.user_id AND c.id > p.after
                  UNION ALL
                  SELECT ${COLUMNS} FROM ${LIVE_PROJECTION.userChanges} c
                   WHERE c.user_id = $3 AND c.id > (SELECT min(after) FROM p))
           SELECT f.*, b.oldest, b.newest FROM bounds b LEFT JOIN found f ON true ORDER BY f.id`,
    values: [positions.map((p) => p.userId), positions.map((p) => p.after), EVERY_USER],
  });
  const { oldest, newest } = rows[0] ?? { oldest: null, newest: null };
  return {
    rows: rows
      .filter((r) => r.id !== null)
      .map(({ id, userId, activityIds }) => ({ id, userId, activityIds })),
    oldest,
    newest,
  };
}

/** The newest change id of a user (0 when none is kept): where a new subscriber starts. */
export async function readLatestChangeId(ex: Executor, userId: string): Promise<number> {
  const { rows } = await ex.query<{ id: number }>({
    name: 'bff_read_latest_change',
    text: `SELECT coalesce(max(id), 0) AS id FROM ${LIVE_PROJECTION.userChanges} WHERE user_id = $1`,
    values: [userId],
  });
  return rows[0]!.id;
}
