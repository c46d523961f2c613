import type { Executor } from '#shared/db/pool.js';
import type { OrderSide } from '#shared/events/types.js';

/** A broadcast settlement whose transaction is not buried yet: checked, and re-sent if lost. */
export interface WatchedSettlement {
  orderId: string;
  side: OrderSide;
  txid: string;
  rawTx: string;
  attempts: number;
}

/**
 * The broadcast settlements still watched (not buried, not conflicted) whose next check is
 * due, oldest first: a lost transaction is re-sent before one that may spend its outputs.
 */
export async function selectWatchedSettlements(db: Executor, limit = 100): Promise<WatchedSettlement[]> {
  const { rows } = await db.query<WatchedSettlement>(
    `SELECT s.order_id AS "orderId", o.side, s.txid, s.raw_tx AS "rawTx", s.attempts
       FROM settlements s JOIN orders o USING (order_id)
      WHERE s.state = 'broadcast' AND s.buried_at IS NULL AND s.conflict IS NULL
        AND s.next_attempt_at <= now()
      ORDER BY s.created_at, s.order_id
      LIMIT $1`,
    [limit],
  );
  return rows;
}

/** Its transaction has the configured confirmations: no more checks. */
export async function markSettlementBuried(db: Executor, orderId: string): Promise<void> {
  await db.query(
    `UPDATE settlements SET buried_at = now(), attempts = 0, last_error = NULL, updated_at = now()
      WHERE order_id = $1 AND state = 'broadcast' AND buried_at IS NULL`,
    [orderId],
  );
}

/** Its transaction can never confirm (an input spent by a confirmed transaction): no more re-sending. */
export async function markSettlementConflicted(db: Executor, orderId: string, reason: string): Promise<void> {
  await db.query(
    `UPDATE settlements SET conflict = $2, last_error = NULL, updated_at = now()
      WHERE order_id = $1 AND state = 'broadcast' AND buried_at IS NULL AND conflict IS NULL`,
    [orderId, reason.slice(0, 1000)],
  );
}

/** A check went through: a failure recorded by an earlier one is cleared. */
export async function clearSettlementWatchError(db: Executor, orderId: string): Promise<void> {
  await db.query(
    `UPDATE settlements SET attempts = 0, last_error = NULL, next_attempt_at = now(), updated_at = now()
      WHERE order_id = $1 AND (attempts > 0 OR last_error IS NOT NULL)`,
    [orderId],
  );
}
