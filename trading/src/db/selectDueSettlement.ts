import type { Executor } from '#shared/db/pool.js';
import { SETTLEMENT_COLUMNS, type SettlementRow } from './settlementRow.js';

/**
 * The next settlement to work on: a signed one first, then the oldest decided one. While
 * a signed transaction has not gone out (its broadcast failing, backing off), nothing
 * that could pick the same coins is built: no buy after a signed buy (house coins), no
 * sell of that user after their signed sell. The same holds for a broadcast one the node
 * lost and that cannot be sent again yet (its re-send failing): its wallet may count its
 * coins as free again.
 */
export async function selectDueSettlement(db: Executor): Promise<SettlementRow | undefined> {
  const { rows } = await db.query<SettlementRow>(
    `SELECT ${SETTLEMENT_COLUMNS} FROM settlements s JOIN orders o USING (order_id)
      WHERE s.state <> 'broadcast' AND s.next_attempt_at <= now()
        AND (s.state = 'signed' OR NOT EXISTS (
          SELECT 1 FROM settlements w JOIN orders wo USING (order_id)
           WHERE (w.state = 'signed' OR (w.state = 'broadcast' AND w.buried_at IS NULL
                  AND w.conflict IS NULL AND w.last_error IS NOT NULL))
             AND wo.side = o.side AND (o.side = 'buy' OR wo.user_id = o.user_id)))
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
