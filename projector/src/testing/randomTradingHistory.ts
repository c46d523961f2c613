import type { ForklineEvent, OrderSide, RecordedEvent } from '#shared/events/types.js';
import { orderStream } from '#shared/events/streams.js';
import type { SeededRandom } from '#shared/testing/seededRandom.js';
import { confirmed, dropped, hex, pending, reverted, streamOf, userEvents } from './events.js';

/** What a transaction ends as, once every one of its events is applied. */
export interface ModelTx {
  userId: string;
  txid: string;
  deltaSats: number;
  status: 'pending' | 'confirmed' | 'reverted' | 'dropped';
  blockHash: string | null;
  /** The order it settles (its SettlementBroadcast is in the history), if any. */
  orderId: string | null;
}

export interface ModelOrder {
  userId: string;
  orderId: string;
  side: OrderSide;
  amountSats: number;
  outcome: 'open' | 'cancelled' | 'rejected' | 'filled' | 'settled';
  /** The settlement transaction (outcome `settled`). */
  txid: string | null;
}

export interface TradingHistory {
  /** Each stream's events in its own order. */
  streams: RecordedEvent[][];
  txs: ModelTx[];
  orders: ModelOrder[];
}

const PRICE = 6_000_000;
const FEE = 250;

/**
 * A random history of a few users: orders placed, cancelled, rejected, filled and settled
 * (order streams), and on the users' streams the chain events of their settlement
 * transactions and of unrelated receives, withdrawals and moves to themselves — pending,
 * confirmed, reverted, confirmed again in another block, dropped — with a repeated
 * TxPending now and then (a misfit the fold ignores). Labels are prefixed with `tag` so
 * several histories can share a database.
 */
export function randomTradingHistory(rnd: SeededRandom, tag: string, users = 2): TradingHistory {
  const streams: RecordedEvent[][] = [];
  const txs: ModelTx[] = [];
  const orders: ModelOrder[] = [];
  for (let u = 0; u < users; u++) {
    const userId = `${tag}-u${u}`;
    const user = userEvents(userId);
    /** Each transaction's own events, merged at random into the user's stream below. */
    const lives: ForklineEvent[][] = [];
    const chainTx = (label: string, amounts: Parameters<typeof confirmed>[3], orderId: string | null) => {
      const txid = `${userId}-${label}`;
      const blocks = [`${txid}-b1`, `${txid}-b2`];
      const life: ForklineEvent[] = [];
      const model: ModelTx = {
        userId,
        txid: hex(txid),
        deltaSats: amounts.deltaSats,
        status: 'pending',
        blockHash: null,
        orderId,
      };
      const seenPending = rnd.next() < 0.6;
      if (seenPending) life.push(pending(txid, { ...amounts, replaceable: rnd.next() < 0.5 }));
      if (seenPending && rnd.next() < 0.15) life.push(pending(txid, amounts)); // ignored: already pending
      const story = rnd.pick(['confirm', 'reorg', 'revert', 'drop', 'stay'] as const);
      if (story === 'drop' && seenPending) {
        life.push(dropped(txid, 'evicted'));
        model.status = 'dropped';
      } else if (story !== 'stay' || !seenPending) {
        life.push(confirmed(txid, blocks[0]!, 100 + u, amounts));
        model.status = 'confirmed';
        model.blockHash = hex(blocks[0]!);
        if (story === 'reorg' || story === 'revert') {
          life.push(reverted(txid, blocks[0]!, 100 + u, -amounts.deltaSats));
          model.status = 'reverted';
          model.blockHash = null;
          if (story === 'reorg') {
            life.push(confirmed(txid, blocks[1]!, 101 + u, amounts));
            model.status = 'confirmed';
            model.blockHash = hex(blocks[1]!);
          }
        }
      }
      lives.push(life);
      txs.push(model);
    };

    for (let i = 0; i < rnd.int(1, 4); i++) {
      const kind = rnd.pick(['receive', 'withdrawal', 'self'] as const);
      const amount = rnd.int(1, 50) * 1_000;
      if (kind === 'receive') chainTx(`r${i}`, { deltaSats: amount }, null);
      else if (kind === 'withdrawal') {
        chainTx(
          `w${i}`,
          {
            deltaSats: -(amount + FEE),
            sentSats: amount * 2,
            receivedSats: amount - FEE,
            paidToOthersSats: amount,
          },
          null,
        );
      } else {
        chainTx(
          `s${i}`,
          { deltaSats: -FEE, sentSats: amount, receivedSats: amount - FEE, paidToOthersSats: 0 },
          null,
        );
      }
    }

    for (let o = 0; o < rnd.int(1, 4); o++) {
      const orderId = `${userId}-o${o}`;
      const order = streamOf(orderStream(orderId));
      const side = rnd.pick(['buy', 'sell'] as const);
      const amountSats = rnd.int(1, 100) * 1_000;
      const outcome = rnd.pick([
        'open',
        'cancelled',
        'rejected',
        'filled',
        'settled',
        'settled',
        'settled',
      ] as const);
      const events: RecordedEvent[] = [
        order.next({
          type: 'OrderPlaced',
          payload: { orderId, userId, side, amountSats, limitPriceEurCents: rnd.next() < 0.5 ? null : PRICE },
        }),
      ];
      let txid: string | null = null;
      if (outcome === 'cancelled')
        events.push(order.next({ type: 'OrderCancelled', payload: { orderId, userId } }));
      if (outcome === 'rejected') {
        events.push(
          order.next({ type: 'OrderRejected', payload: { orderId, userId, reason: 'coins cannot fund it' } }),
        );
      }
      if (outcome === 'filled' || outcome === 'settled') {
        const eurCents = Math.floor((amountSats * PRICE) / 100_000_000);
        events.push(
          order.next({
            type: 'OrderFilled',
            payload: { orderId, userId, side, amountSats, priceEurCents: PRICE, eurCents },
          }),
        );
      }
      if (outcome === 'settled') {
        const label = `settle${o}`;
        txid = hex(`${userId}-${label}`);
        events.push(order.next({ type: 'SettlementBroadcast', payload: { orderId, userId, txid } }));
        if (side === 'buy') chainTx(label, { deltaSats: amountSats }, orderId);
        else {
          chainTx(
            label,
            {
              deltaSats: -(amountSats + FEE),
              sentSats: amountSats * 2,
              receivedSats: amountSats - FEE,
              paidToOthersSats: amountSats,
            },
            orderId,
          );
        }
      }
      streams.push(events);
      orders.push({ userId, orderId, side, amountSats, outcome, txid });
    }

    // The user's stream: every transaction's events in its own order, merged at random.
    const userStreamEvents: RecordedEvent[] = [];
    const heads = lives.map(() => 0);
    for (;;) {
      const open = lives.map((_, i) => i).filter((i) => heads[i]! < lives[i]!.length);
      if (open.length === 0) break;
      const i = rnd.pick(open);
      userStreamEvents.push(user.next(lives[i]![heads[i]!++]!));
    }
    streams.push(userStreamEvents);
  }
  return { streams, txs, orders };
}

/**
 * One delivery order of a history: the streams merged at random (each keeps its own
 * order; a random weight per stream makes some run far ahead of others), with a few
 * events delivered again at random places (Kafka redeliveries, a copy may come first and
 * park its stream), cut into random consecutive batches.
 */
export function randomDelivery(rnd: SeededRandom, streams: readonly RecordedEvent[][]): RecordedEvent[][] {
  const weights = streams.map(() => rnd.next() + 0.05);
  const heads = streams.map(() => 0);
  const merged: RecordedEvent[] = [];
  for (;;) {
    const open = streams.map((_, i) => i).filter((i) => heads[i]! < streams[i]!.length);
    if (open.length === 0) break;
    let pick = rnd.next() * open.reduce((s, i) => s + weights[i]!, 0);
    let chosen = open[open.length - 1]!;
    for (const i of open) {
      pick -= weights[i]!;
      if (pick <= 0) {
        chosen = i;
        break;
      }
    }
    merged.push(streams[chosen]![heads[chosen]!++]!);
  }
  for (let d = rnd.int(0, 4); d > 0; d--) {
    const copy = merged[rnd.int(0, merged.length - 1)]!;
    merged.splice(rnd.int(0, merged.length), 0, copy);
  }
  const batches: RecordedEvent[][] = [];
  for (let i = 0; i < merged.length;) {
    const size = rnd.int(1, 12);
    batches.push(merged.slice(i, i + size));
    i += size;
  }
  return batches;
}
