import { arrayLiteral } from '#shared/db/arrayLiteral.js';
import type { Executor } from '#shared/db/pool.js';
import { USER_CHANGES_CHANNEL } from '#shared/views/userChanges.js';
import type { ProjectionTables } from '#shared/views/projectionTables.js';
import type { UserChange } from '../projections/userChanges.js';

/**
 * Records the batch's changes per user, in the batch's transaction. With `announce` (the
 * live projector), also NOTIFYs the BFF — delivered at commit, never for a batch rolled
 * back — with the new rows' ids and, when the batch moved the chain, the new tip: one
 * statement either way.
 */
export async function recordUserChanges(
  tx: Executor,
  tables: ProjectionTables,
  changes: readonly UserChange[],
  announce: { chainMoved: boolean } | undefined,
): Promise<void> {
  if (!announce) {
    if (changes.length === 0) return;
    await tx.query(
      `INSERT INTO ${tables.userChanges} (user_id, activity_ids)
       SELECT c.user_id, c.activity_ids::jsonb FROM unnest($1::text[], $2::text[]) AS c(user_id, activity_ids)`,
      [arrayLiteral(changes, (c) => c.userId), arrayLiteral(changes, (c) => JSON.stringify(c.activityIds))],
    );
    return;
  }
  if (changes.length === 0 && !announce.chainMoved) return;
  await tx.query(
    `WITH inserted AS (
       INSERT INTO ${tables.userChanges} (user_id, activity_ids)
       SELECT c.user_id, c.activity_ids::jsonb FROM unnest($1::text[], $2::text[]) AS c(user_id, activity_ids)
       RETURNING id)
     SELECT pg_notify($3, json_build_object(
       'changes', (SELECT CASE WHEN count(*) > 0 THEN json_build_object('from', min(id), 'to', max(id)) END
                     FROM inserted),
       'tip', CASE WHEN $4::boolean THEN (SELECT json_build_object('height', height, 'hash', hash)
                                            FROM ${tables.chainBlocks} ORDER BY height DESC LIMIT 1) END)::text)`,
    [
      arrayLiteral(changes, (c) => c.userId),
      arrayLiteral(changes, (c) => JSON.stringify(c.activityIds)),
      USER_CHANGES_CHANNEL,
      announce.chainMoved,
    ],
  );
}

/** Deletes the rows older than `retentionSeconds` (a subscriber resuming from before them starts over). */
export async function pruneUserChanges(
  db: Executor,
  tables: ProjectionTables,
  retentionSeconds: number,
): Promise<number> {
  const { rowCount } = await db.query(
    `DELETE FROM ${tables.userChanges} WHERE changed_at < now() - make_interval(secs => $1)`,
    [retentionSeconds],
  );
  return rowCount ?? 0;
}
