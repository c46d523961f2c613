import type { Executor } from '#shared/db/pool.js';
import type { ProjectionTables } from '#shared/views/projectionTables.js';

/**
 * Records the batch's settlement links. A plain INSERT: a transaction settles one order,
 * and its key exists only if a link was recorded twice — a bug that fails the batch.
 */
export async function insertSettlementLinks(
  tx: Executor,
  tables: ProjectionTables,
  links: { userId: string; txid: string; orderId: string }[],
): Promise<void> {
  if (links.length === 0) return;
  await tx.query(
    `INSERT INTO ${tables.settlementLinks} (user_id, txid, order_id)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[])`,
    [links.map((l) => l.userId), links.map((l) => l.txid), links.map((l) => l.orderId)],
  );
}

/**
 * Relabels the stored history of transactions whose stored chain row the batch folded
 * into an order row: their steps become the order row's. Only those have stored steps
 * under their txid (steps are written with their row), so a link made before the
 * transaction's chain events costs no statement. Looked up by the history's key prefix
 * (user, then activity id): the statement was a sort of the whole table per batch.
 */
export async function relabelActivityChanges(
  tx: Executor,
  tables: ProjectionTables,
  folded: { userId: string; txid: string; orderId: string }[],
): Promise<void> {
  if (folded.length === 0) return;
  await tx.query(
    `UPDATE ${tables.activityChanges} AS c SET activity_id = 'order:' || l.order_id
     FROM unnest($1::text[], $2::text[], $3::text[]) AS l(user_id, txid, order_id)
     WHERE c.user_id = l.user_id AND c.activity_id = l.txid AND c.txid = l.txid`,
    [folded.map((l) => l.userId), folded.map((l) => l.txid), folded.map((l) => l.orderId)],
  );
}
