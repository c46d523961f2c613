import type { Pool } from '#shared/db/pool.js';
import { withTransaction } from '#shared/db/withTransaction.js';
import { orderStream } from '#shared/events/streams.js';
import { appendToStream } from '#shared/outbox/appendToStream.js';
import { markSettlementBroadcast } from '../db/markSettlementBroadcast.js';
import type { SettlementRow } from '../db/settlementRow.js';
import type { NodeWallets, SignedTx } from '../wallet/nodeWallets.js';

/**
 * Sends the recorded transaction (the node already having it counts as sent), then marks
 * the settlement broadcast with its SettlementBroadcast event in one transaction. Only
 * the recorded bytes are sent, so doing this again after a crash pays nobody twice.
 */
export async function broadcastSettlement(
  db: Pool,
  wallets: Pick<NodeWallets, 'broadcast'>,
  settlement: Pick<SettlementRow, 'orderId' | 'userId'>,
  tx: SignedTx,
): Promise<boolean> {
  await wallets.broadcast(tx);
  return withTransaction(db, async (client) => {
    if (!(await markSettlementBroadcast(client, settlement.orderId))) return false;
    const { orderId, userId } = settlement;
    await appendToStream(client, orderStream(orderId), [
      { type: 'SettlementBroadcast', payload: { orderId, userId, txid: tx.txid } },
    ]);
    return true;
  });
}
