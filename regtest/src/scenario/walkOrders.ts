import { waitFor } from '#shared/testing/waitFor.js';
import type { RegtestNode } from '#shared/testing/regtestNode.js';
import { btcToSats } from '#shared/bitcoin/btcSats.js';
import type { Activity, BffClient, Order } from './bffClient.js';
import { HOUSE_WALLET } from './houseWallet.js';
import type { WalletUsers } from './walletUsers.js';

/** What the trading service keeps beyond a sell's amount for its fee (TRADING_SELL_FEE_MARGIN_SATS). */
export const SELL_FEE_MARGIN_SATS = 10_000;

/** The EUR value of a fill, exactly: a buy rounds up, a sell rounds down. */
export function expectedEurCents(side: 'buy' | 'sell', amountSats: number, priceEurCents: number): number {
  const product = BigInt(amountSats) * BigInt(priceEurCents);
  const quotient = product / 100_000_000n;
  return Number(side === 'buy' && quotient * 100_000_000n !== product ? quotient + 1n : quotient);
}

/** Whether a price fills a limit order: a buy at or below its limit, a sell at or above. */
export const crosses = (order: Pick<Order, 'side' | 'limitPriceEurCents'>, priceEurCents: number): boolean =>
  order.limitPriceEurCents !== null &&
  (order.side === 'buy'
    ? priceEurCents <= order.limitPriceEurCents
    : priceEurCents >= order.limitPriceEurCents);

/** Where the node has a transaction: in its main chain, in its mempool, or in neither. */
export type ChainPlace = 'confirmed' | 'pending' | 'gone';

/**
 * The orders a scenario placed, as the trading service last answered them, and the checks
 * that tie them to the read side and to the node: each order is one activity of its user,
 * each settlement lives only inside its order's activity with the node's status, and the
 * house wallet paid each buy at most once.
 */
export function createWalkOrders(node: RegtestNode, bff: BffClient, users: WalletUsers) {
  const orders = new Map<string, Order>();

  /** Where the node has a transaction, and the main-chain block holding it. */
  async function locate(txid: string): Promise<{ place: ChainPlace; blockHash: string | null }> {
    const inMempool = await node.rpc.call('getmempoolentry', [txid]).then(
      () => true,
      () => false,
    );
    if (inMempool) return { place: 'pending', blockHash: null };
    const tx = await node.rpc
      .call<{ blockhash?: string }>('getrawtransaction', [txid, true])
      .catch(() => ({ blockhash: undefined }));
    if (!tx.blockhash) return { place: 'gone', blockHash: null };
    const header = await node.rpc.getBlockHeader(tx.blockhash);
    return header.confirmations >= 1
      ? { place: 'confirmed', blockHash: tx.blockhash }
      : { place: 'gone', blockHash: null };
  }

  const chainPlace = async (txid: string): Promise<ChainPlace> => (await locate(txid)).place;

  /** The problems with one order's activity, given the user's activities and the node's view. */
  function orderRowProblems(order: Order, rows: Activity[], place: ChainPlace | undefined): string[] {
    const problems: string[] = [];
    const id = order.orderId.slice(0, 8);
    if (rows.length !== 1) return [`order ${id} (${order.status}) has ${rows.length} activities`];
    const row = rows[0]!;
    const filled = order.status === 'filled';
    const type = filled ? order.side : order.side === 'buy' ? 'bid' : 'ask';
    if (row.type !== type) problems.push(`order ${id} is a ${row.type}, expected ${type}`);
    const signed = order.side === 'buy' ? order.amountSats : -order.amountSats;
    if (row.amountSats !== signed)
      problems.push(`order ${id} shows ${row.amountSats} sats, expected ${signed}`);
    if (row.limitPriceEurCents !== order.limitPriceEurCents) problems.push(`order ${id}: limit differs`);
    if (!filled) {
      if (row.status !== order.status)
        problems.push(`order ${id} is ${row.status}, expected ${order.status}`);
      if (row.rejectReason !== order.rejectReason) problems.push(`order ${id}: reject reason differs`);
      if (row.settlement !== null) problems.push(`order ${id} (${order.status}) has a settlement`);
      return problems;
    }
    if (row.priceEurCents !== order.priceEurCents || row.eurCents !== order.eurCents) {
      problems.push(
        `order ${id}: price ${row.priceEurCents} / ${row.eurCents} cents, expected ${order.priceEurCents} / ${order.eurCents}`,
      );
    }
    const txid = order.settlement?.txid;
    if (!txid) return [...problems, `order ${id} is filled without a broadcast settlement`];
    if (row.settlement?.txid !== txid || row.txid !== txid) {
      return [
        ...problems,
        `order ${id}: settlement ${row.settlement?.txid ?? 'none'} (row txid ${row.txid}), expected ${txid}`,
      ];
    }
    const statuses =
      place === 'confirmed'
        ? ['confirmed']
        : place === 'pending'
          ? ['pending']
          : ['reverted', 'replaced', 'dropped'];
    if (!statuses.includes(row.status) || row.settlement.status !== row.status) {
      problems.push(
        `order ${id}: settlement ${txid.slice(0, 8)} is ${row.status}/${row.settlement.status}, the node has it ${place}`,
      );
    }
    return problems;
  }

  return {
    orders,

    record(order: Order): Order {
      orders.set(order.orderId, order);
      return order;
    },

    open: (): Order[] => [...orders.values()].filter((o) => o.status === 'open'),

    /** The broadcast settlements' txids, by order id. */
    settlements(): Map<string, string> {
      const txids = new Map<string, string>();
      for (const o of orders.values()) if (o.settlement?.txid) txids.set(o.orderId, o.settlement.txid);
      return txids;
    },

    chainPlace,
    locate,

    /**
     * Waits (bounded) until every filled order's settlement is broadcast with a txid, as
     * the trading service answers through the BFF: settlements are asynchronous, and the
     * node's mempool must hold them before the read side is compared with it.
     */
    async awaitSettlements(timeoutMs = 60_000): Promise<void> {
      for (const order of orders.values()) {
        if (order.status !== 'filled' || order.settlement?.state === 'broadcast') continue;
        const settled = await waitFor(
          () => bff.order(order.userId, order.orderId),
          (o) => o.settlement?.state === 'broadcast' && typeof o.settlement.txid === 'string',
          {
            timeoutMs,
            intervalMs: 100,
            what: `the settlement of ${order.side} order ${order.orderId} to be broadcast`,
          },
        );
        orders.set(order.orderId, settled);
      }
    },

    /**
     * Every order appears exactly once in its user's activities, as the trading service
     * says it is (bid/ask while open, cancelled or rejected; buy/sell once filled, with its
     * settlement in the node's status); every settlement txid appears exactly once across
     * all users' activities, inside its order's row. Polled: the orders' events reach the
     * read side by another path than the chain's.
     */
    async expectActivities(timeoutMs = 60_000): Promise<void> {
      const places = new Map<string, ChainPlace>();
      for (const txid of this.settlements().values()) places.set(txid, await chainPlace(txid));
      await waitFor(
        async () => {
          const problems: string[] = [];
          const byUser = new Map<string, Activity[]>();
          for (const userId of users.users.keys()) byUser.set(userId, await bff.allActivities(userId));
          for (const order of orders.values()) {
            const rows = (byUser.get(order.userId) ?? []).filter((a) => a.orderId === order.orderId);
            const txid = order.settlement?.txid;
            problems.push(...orderRowProblems(order, rows, txid ? places.get(txid) : undefined));
          }
          for (const [orderId, txid] of this.settlements()) {
            const holders = [...byUser].flatMap(([userId, rows]) =>
              rows
                .filter((a) => a.txid === txid || a.settlement?.txid === txid)
                .map((a) => `${userId}:${a.type}:${a.orderId?.slice(0, 8) ?? 'chain'}`),
            );
            const own = `${orders.get(orderId)!.userId}:${orders.get(orderId)!.side}:${orderId.slice(0, 8)}`;
            if (holders.length !== 1 || holders[0] !== own) {
              problems.push(
                `settlement ${txid.slice(0, 8)} of order ${orderId.slice(0, 8)} shows in [${holders.join(', ')}]`,
              );
            }
          }
          return problems;
        },
        (problems) => problems.length === 0,
        { timeoutMs, intervalMs: 200, what: 'every order to show once, with its settlement inside' },
      );
    },

    /**
     * The house wallet paid each buy once: its payments to the scenario's users are
     * exactly the buys' settlements, one transaction per buy (a buy's amount is unique
     * among the scenario's orders, so address and amount name the order).
     */
    async expectHousePaidOnce(): Promise<void> {
      const owner = new Map<string, string>();
      for (const [userId, addresses] of users.users) for (const a of addresses) owner.set(a, userId);
      const sends = (
        await node.rpc.call<{ category: string; address?: string; amount: number; txid: string }[]>(
          'listtransactions',
          ['*', 1_000_000, 0, true],
          { wallet: HOUSE_WALLET },
        )
      ).filter((t) => t.category === 'send' && t.address !== undefined && owner.has(t.address));
      const buys = [...orders.values()].filter((o) => o.side === 'buy');
      for (const send of sends) {
        const paid = -btcToSats(send.amount);
        const buy = buys.find((o) => o.userId === owner.get(send.address!) && o.amountSats === paid);
        if (!buy || buy.settlement?.txid !== send.txid) {
          throw new Error(
            `the house paid ${paid} sats to ${owner.get(send.address!)} in ${send.txid}, which is no buy's settlement ` +
              `(${buy ? `order ${buy.orderId} settled by ${buy.settlement?.txid ?? 'nothing yet'}` : 'no such buy'})`,
          );
        }
      }
      for (const buy of buys) {
        const txids = new Set(
          sends
            .filter((s) => owner.get(s.address!) === buy.userId && -btcToSats(s.amount) === buy.amountSats)
            .map((s) => s.txid),
        );
        const expected = buy.settlement?.txid ? 1 : 0;
        if (txids.size !== expected) {
          throw new Error(`the house paid buy ${buy.orderId} ${txids.size} times: ${[...txids].join(', ')}`);
        }
      }
    },
  };
}

export type WalkOrders = ReturnType<typeof createWalkOrders>;
