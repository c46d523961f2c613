import type { Executor } from '#shared/db/pool.js';
import { OUTBOX_TABLE } from '#shared/outbox/appendSql.js';

/** Deletes published rows so the outbox stays small; returns how many were still there. */
export async function deleteOutboxRows(db: Executor, ids: readonly number[]): Promise<number> {
  if (ids.length === 0) return 0;
  const { rowCount } = await db.query(`DELETE FROM ${OUTBOX_TABLE} WHERE id = ANY($1::bigint[])`, [ids]);
  return rowCount ?? 0;
}
