import type { Executor } from '#shared/db/pool.js';
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
  for (const schema of [live, next, retired]) projectionTables(schema);
  await tx.query(`ALTER SCHEMA "${live}" RENAME TO "${retired}"`);
  await tx.query(`ALTER SCHEMA "${next}" RENAME TO "${live}"`);
}

export async function dropProjectionSchema(db: Executor, schema: string): Promise<void> {
  projectionTables(schema);
  await db.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
}
