import type { Executor } from '#shared/db/pool.js';
import { EVERY_USER, USER_CHANGES_CHANNEL } from '#shared/views/userChanges.js';
import { projectionTables } from '#shared/views/projectionTables.js';

/** Creates an empty read model in `schema` with the migration's own function. */
export async function createProjectionSchema(db: Executor, schema: string): Promise<void> {
  projectionTables(schema); // validates the name
  await db.query('SELECT create_projection_tables($1)', [schema]);
}

/**
 * Puts `next` in the place of `live` in one step for readers (who name `live.*`):
 * `live` becomes `retired`. Run inside the swap transaction.
 */
export async function swapProjectionSchemas(
  tx: Executor,
  { live, next, retired }: { live: string; next: string; retired: string },
): Promise<void> {
  const [liveTables, nextTables] = [projectionTables(live), projectionTables(next)];
  projectionTables(retired);
  // Live updates go on from the replaced tables' change ids, and every subscriber is told
  // to start over (the '*' row, announced at commit): the rebuilt rows may differ.
  await tx.query(
    `WITH last AS (
       SELECT greatest((SELECT coalesce(max(id), 0) FROM ${liveTables.userChanges}),
                       (SELECT coalesce(max(id), 0) FROM ${nextTables.userChanges})) AS id),
     restarted AS (
       INSERT INTO ${nextTables.userChanges} (id, user_id, activity_ids)
       SELECT id + 1, $1, '[]' FROM last
       RETURNING id)
     SELECT setval(pg_get_serial_sequence('${nextTables.userChanges}', 'id'), id),
            pg_notify($2, json_build_object('changes', json_build_object('from', id, 'to', id), 'tip', NULL)::text)
       FROM restarted`,
    [EVERY_USER, USER_CHANGES_CHANNEL],
  );
  await tx.query(`ALTER SCHEMA "${live}" RENAME TO "${retired}"`);
  await tx.query(`ALTER SCHEMA "${next}" RENAME TO "${live}"`);
}

export async function dropProjectionSchema(db: Executor, schema: string): Promise<void> {
  projectionTables(schema);
  await db.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
}
