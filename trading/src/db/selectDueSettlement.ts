import type { Executor } from '#shared/db/pool.js';
import { SETTLEMENT_COLUMNS, type SettlementRow } from './settlementRow.js';

/**
 * The next settlement to work on: a signed one first (its transaction must go out before
 * another is built from the same wallet's coins), then the oldest decided one.
 */
export async function selectDueSettlement(db: Executor): Promise<SettlementRow | undefined> {
  const { rows } = await db.query<SettlementRow>(
    `SELECT ${SETTLEMENT_COLUMNS} FROM settlements s JOIN orders o USING (order_id)
      WHERE s.state <> 'broadcast' AND s.next_attempt_at <= now()
      ORDER BY (s.state = 'signed') DESC, s.created_at, s.order_id
      LIMIT 1`,
  );
  return rows[0];
}

/** A settlement by its order, whatever its state. */
export async function selectSettlement(db: Executor, orderId: string): Promise<SettlementRow | undefined> {
  const { rows } = await db.query<SettlementRow>(
    `SELECT ${SETTLEMENT_COLUMNS} FROM settlements s JOIN orders o USING (order_id) WHERE s.order_id = $1`,
    [orderId],
  );
  return rows[0];
}
