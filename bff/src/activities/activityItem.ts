import type { ActivityRow } from '../db/readActivitiesPage.js';
import type { Tip } from '../db/tables.js';

/**
 * One activity as the API shows it. A chain row is its transaction. An order row is the
 * order (`side`, prices, reject reason) and, once its settlement transaction is linked,
 * `settlement` (that transaction's status, confirmations and net change of the balance);
 * a filled order's status is its settlement's, and its block and confirmations are the
 * settlement's block and confirmations.
 */
export function activityItem(row: ActivityRow, tip: Tip | null) {
  // Only a confirmed activity is in a main-chain block.
  const inBlock = row.status === 'confirmed';
  const item = {
    type: row.type,
    status: row.status,
    amountSats: row.amountSats,
    txid: row.txid,
    blockHeight: inBlock ? row.blockHeight : null,
    blockHash: inBlock ? row.blockHash : null,
    confirmations: confirmations(row, tip),
    replacedBy: row.replacedBy,
    dropReason: row.dropReason,
    replaceable: row.replaceable,
    firstSeenAt: row.firstSeenAt.toISOString(),
    orderId: row.orderId,
    limitPriceEurCents: row.limitPriceEurCents,
    priceEurCents: row.priceEurCents,
    eurCents: row.eurCents,
    rejectReason: row.rejectReason,
    settlement:
      row.orderId !== null && row.txid !== null
        ? {
            txid: row.txid,
            status: row.status,
            confirmations: confirmations(row, tip),
            deltaSats: row.settlementDeltaSats,
          }
        : null,
  };
  if (row.orderId === null) return item;
  return { ...item, side: row.type === 'bid' || row.type === 'buy' ? 'buy' : 'sell' };
}

/** tip − height + 1 for a confirmed activity; null otherwise (in no main-chain block). */
export function confirmations(
  row: Pick<ActivityRow, 'status' | 'blockHeight'>,
  tip: Tip | null,
): number | null {
  if (row.status !== 'confirmed' || row.blockHeight === null || tip === null) return null;
  return Math.max(0, tip.height - row.blockHeight + 1);
}
