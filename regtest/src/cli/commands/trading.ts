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

/** `price`, `buy`, `sell`: trading through the BFF's API, as a wallet app would. */
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
