import type { Pool } from '#shared/db/pool.js';
import { withTransaction } from '#shared/db/withTransaction.js';
import { ForklineError } from '#shared/errors/catalogue.js';
import { orderStream } from '#shared/events/streams.js';
import { appendToStream } from '#shared/outbox/appendToStream.js';
import { markOrderCancelled } from '../db/markOrderCancelled.js';
import { selectOrder } from '../db/selectOrder.js';
import type { OrderView } from '#shared/orders/orderView.js';
import { orderJson } from './orderJson.js';

/**
 * Cancels an open order. The order row is locked first, so a fill racing this cancel
 * either finished (the order is filled: 409) or waits and then finds it cancelled.
 */
export async function cancelOrder(db: Pool, orderId: string): Promise<OrderView> {
  return withTransaction(db, async (tx) => {
    const order = await selectOrder(tx, orderId, true);
    if (!order) throw new ForklineError('NOT_FOUND', `there is no order ${orderId}`);
    if (order.status !== 'open') {
      throw new ForklineError(
        'ORDER_NOT_OPEN',
        `the order is ${order.status}: only an open order can be cancelled`,
      );
    }
    await markOrderCancelled(tx, orderId);
    await appendToStream(tx, orderStream(orderId), [
      { type: 'OrderCancelled', payload: { orderId, userId: order.userId } },
    ]);
    return orderJson((await selectOrder(tx, orderId))!);
  });
}
