import { randomUUID } from 'node:crypto';
import type { Command } from 'commander';
import { satsToBtc } from '#shared/bitcoin/btcSats.js';
import { createBffClient, HttpError, type Order } from '../../scenario/bffClient.js';
import { parseBtcSats, parseEurCents } from '../parse.js';
import { CliError, stackEnv } from '../stack.js';

const eur = (cents: number) =>
  `€${(cents / 100).toLocaleString('en-GB', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;

/** One line a person reads: what the order is now. */
export function describeOrder(order: Order): string {
  const what = `${order.side} ${satsToBtc(order.amountSats)} BTC for ${order.userId}`;
  const limit = order.limitPriceEurCents === null ? 'market' : `limit ${eur(order.limitPriceEurCents)}`;
  switch (order.status) {
    case 'open':
      return `order ${order.orderId}: ${what} open as ${order.side === 'buy' ? 'a Bid' : 'an Ask'} (${limit})`;
    case 'filled': {
      const settling = order.settlement?.txid
        ? `settlement tx ${order.settlement.txid}`
        : 'settlement on its way';
      return `order ${order.orderId}: ${what} filled at ${eur(order.priceEurCents!)} for ${eur(order.eurCents!)}; ${settling}`;
    }
    case 'cancelled':
      return `order ${order.orderId}: ${what} cancelled`;
    case 'rejected':
      return `order ${order.orderId}: ${what} rejected: ${order.rejectReason ?? 'no reason given'}`;
  }
}

/** An answer of the BFF as a CLI error: its problem detail, not a stack trace. */
function orFail(err: unknown): never {
  if (err instanceof HttpError) {
    const detail = (err.body as { detail?: string } | undefined)?.detail;
    throw new CliError(`the BFF answered ${err.status}: ${detail ?? JSON.stringify(err.body)}`);
  }
  throw err;
}

/** `price`, `buy`, `sell`, `cancel`: trading through the BFF's API, as a wallet app would. */
export function registerTradingCommands(program: Command): void {
  const bff = () => {
    const env = stackEnv();
    return createBffClient(env.BFF_URL, env.FORKLINE_ADMIN_TOKEN);
  };

  program
    .command('price')
    .description('set the house price in EUR per BTC (fills the limit orders it crosses)')
    .argument('<eur>', 'euros per BTC, at most 2 decimals')
    .action(async (value: string) => {
      const cents = parseEurCents(value);
      const price = await bff()
        .setPrice(cents / 100)
        .catch(orFail);
      console.log(`house price ${eur(price.priceEurCents)} per BTC`);
    });

  program
    .command('cancel')
    .description('cancel an open order (a Bid or an Ask)')
    .argument('<orderId>', 'the order id buy or sell printed')
    .action(async (orderId: string) => {
      if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(orderId))
        throw new CliError(`orderId must be an order id, a uuid (got "${orderId}")`);
      const env = stackEnv();
      // The BFF's route names the order's user: the operator's CLI asks the trading service whose it is.
      const res = await fetch(`${env.TRADING_URL}/orders/${orderId}`, {
        headers: { authorization: `Bearer ${env.FORKLINE_ADMIN_TOKEN}` },
      }).catch(() => {
        throw new CliError(
          `the trading service does not answer at ${env.TRADING_URL}: is \`forkline run\` running?`,
        );
      });
      if (res.status === 404) throw new CliError(`there is no order ${orderId}`);
      if (!res.ok) throw new CliError(`the trading service answered ${res.status}`);
      const { userId } = (await res.json()) as { userId: string };
      const order = await bff().cancelOrder(userId, orderId).catch(orFail);
      console.log(describeOrder(order));
    });

  for (const side of ['buy', 'sell'] as const) {
    program
      .command(side)
      .description(
        side === 'buy'
          ? 'a user buys BTC from the house: paid on chain to their newest address'
          : "a user sells BTC to the house: their coins pay the house's deposit address",
      )
      .argument('<userId>', 'a registered user')
      .argument('<btc>', 'amount in BTC, at most 8 decimals')
      .option('--limit <eur>', 'a limit price in EUR per BTC (left out: a market order)')
      .action(async (userId: string, btc: string, options: { limit?: string }) => {
        const amountSats = parseBtcSats(btc);
        const limitPriceEurCents =
          options.limit === undefined ? undefined : parseEurCents(options.limit, 'limit');
        const order = await bff()
          .placeOrder(
            userId,
            { side, amountSats, ...(limitPriceEurCents === undefined ? {} : { limitPriceEurCents }) },
            randomUUID(),
          )
          .catch(orFail);
        console.log(describeOrder(order));
      });
  }
}
