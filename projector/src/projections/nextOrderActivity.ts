import type { Logger } from '#shared/logging/logger.js';
import type {
  OrderCancelled,
  OrderFilled,
  OrderPlaced,
  OrderRejected,
  OrderSide,
  RecordedEvent,
  SettlementBroadcast,
} from '#shared/events/types.js';
import type { Activity, TxActivity, TxStatus } from './activity.js';

export type OrderEvent =
  | RecordedEvent<OrderPlaced>
  | RecordedEvent<OrderFilled>
  | RecordedEvent<OrderCancelled>
  | RecordedEvent<OrderRejected>
  | RecordedEvent<SettlementBroadcast>;

export function isOrderEvent(event: RecordedEvent): event is OrderEvent {
  return (
    event.type === 'OrderPlaced' ||
    event.type === 'OrderFilled' ||
    event.type === 'OrderCancelled' ||
    event.type === 'OrderRejected' ||
    event.type === 'SettlementBroadcast'
  );
}

/** An order's row key: `order:<orderId>` (a chain row's is its txid). */
export const orderActivityId = (orderId: string): string => `order:${orderId}`;

const signed = (side: OrderSide, amountSats: number) => (side === 'buy' ? amountSats : -amountSats);
const latest = (a: string, b: string): string => (Date.parse(b) > Date.parse(a) ? b : a);

/**
 * An order row with its settlement transaction's state taken from `tx` (a chain row being
 * folded in, or the state after one of the transaction's events): status, block, mempool
 * fields and the transaction's net change. The row's time is the latest of both, so it
 * does not depend on which came first.
 */
export function withSettlement(row: Activity, tx: TxActivity): Activity {
  return {
    ...row,
    txid: tx.txid,
    status: tx.status,
    blockHash: tx.blockHash,
    blockHeight: tx.blockHeight,
    dropReason: tx.dropReason,
    replacedBy: tx.replacedBy,
    coinbase: tx.coinbase,
    replaceable: tx.replaceable,
    updatedAt: latest(row.updatedAt, tx.updatedAt),
    order: { ...row.order!, settlementDeltaSats: tx.amountSats },
  };
}

/**
 * The settlement transaction's state an order row carries, as nextActivity takes it;
 * undefined while none of the transaction's events is linked (`settling`). Its first-seen
 * time is not kept (the row shows the placement's), and nothing reads it back.
 */
export function settlementState(row: Activity): TxActivity | undefined {
  if (row.txid === null || row.status === 'settling' || row.order?.settlementDeltaSats == null)
    return undefined;
  return {
    userId: row.userId,
    activityId: row.txid,
    txid: row.txid,
    type: row.order.settlementDeltaSats < 0 ? 'withdrawal' : 'receive',
    amountSats: row.order.settlementDeltaSats,
    status: row.status as TxStatus,
    blockHash: row.blockHash,
    blockHeight: row.blockHeight,
    dropReason: row.dropReason,
    replacedBy: row.replacedBy,
    coinbase: row.coinbase,
    replaceable: row.replaceable,
    firstSeenAt: row.firstSeenAt,
    updatedAt: row.updatedAt,
    order: null,
  };
}

export interface OrderStep {
  after: Activity;
  /** The chain row folded into the order row by a SettlementBroadcast (to delete). */
  folded?: TxActivity;
}

/**
 * One order event applied to its order row (`before`, undefined when there is none).
 * `chainRow` is the user's unlinked row of the transaction a SettlementBroadcast names,
 * if its chain events came first: it is folded into the order row. Undefined when the
 * event does not fit the row's state (logged, nothing changes): an order placed twice,
 * a fill, cancel or reject of an order not open, a settlement of an order not filled.
 */
export function nextOrderActivity(
  before: Activity | undefined,
  event: OrderEvent,
  chainRow: TxActivity | undefined,
  log: Logger,
): OrderStep | undefined {
  const { orderId, userId } = event.payload;
  const at = event.occurredAt;
  const misfit = (why: string) => {
    log.warn({ userId, orderId, type: event.type, status: before?.status ?? 'unknown' }, why);
    return undefined;
  };
  if (event.type === 'OrderPlaced') {
    if (before) return misfit('order placed twice, ignored');
    const p = event.payload;
    return {
      after: {
        userId,
        activityId: orderActivityId(orderId),
        txid: null,
        type: p.side === 'buy' ? 'bid' : 'ask',
        amountSats: signed(p.side, p.amountSats),
        status: 'open',
        blockHash: null,
        blockHeight: null,
        dropReason: null,
        replacedBy: null,
        coinbase: false,
        replaceable: null,
        firstSeenAt: new Date(at).toISOString(),
        updatedAt: at,
        order: {
          orderId,
          side: p.side,
          limitPriceEurCents: p.limitPriceEurCents,
          priceEurCents: null,
          eurCents: null,
          rejectReason: null,
          settlementDeltaSats: null,
        },
      },
    };
  }
  if (!before?.order) return misfit('event of an order never placed, ignored');
  const updatedAt = latest(before.updatedAt, at);

  switch (event.type) {
    case 'OrderFilled': {
      if (before.status !== 'open') return misfit('fill of an order not open, ignored');
      const p = event.payload;
      return {
        after: {
          ...before,
          type: p.side,
          amountSats: signed(p.side, p.amountSats),
          status: 'settling',
          updatedAt,
          order: { ...before.order, side: p.side, priceEurCents: p.priceEurCents, eurCents: p.eurCents },
        },
      };
    }
    case 'OrderCancelled':
      if (before.status !== 'open') return misfit('cancel of an order not open, ignored');
      return { after: { ...before, status: 'cancelled', updatedAt } };
    case 'OrderRejected':
      if (before.status !== 'open') return misfit('reject of an order not open, ignored');
      return {
        after: {
          ...before,
          status: 'rejected',
          updatedAt,
          order: { ...before.order, rejectReason: event.payload.reason },
        },
      };
    case 'SettlementBroadcast': {
      if (before.status !== 'settling' || before.txid !== null) {
        return misfit('settlement of an order not filled or already linked, ignored');
      }
      const linked: Activity = { ...before, txid: event.payload.txid, updatedAt };
      if (!chainRow) return { after: linked };
      return { after: withSettlement(linked, chainRow), folded: chainRow };
    }
  }
}
