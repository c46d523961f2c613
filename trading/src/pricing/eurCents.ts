import type { OrderSide } from '#shared/events/types.js';

const SATS_PER_BTC = 100_000_000n;

/**
 * The EUR value of a fill, exactly: amountSats × priceEurCents / 10^8 in BigInt. A buy
 * rounds up (the user never pays less than the exact value), a sell rounds down (the
 * house never pays more).
 */
export function eurCents(side: OrderSide, amountSats: number, priceEurCents: number): number {
  const product = BigInt(amountSats) * BigInt(priceEurCents);
  const quotient = product / SATS_PER_BTC;
  const exact = quotient * SATS_PER_BTC === product;
  const cents = side === 'buy' && !exact ? quotient + 1n : quotient;
  if (cents > BigInt(Number.MAX_SAFE_INTEGER)) throw new RangeError(`${cents} EUR cents is too large`);
  return Number(cents);
}
