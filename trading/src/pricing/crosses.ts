import type { OrderSide } from '#shared/events/types.js';

/** A limit order fills when the price crosses it: a buy at or below its limit, a sell at or above. */
export const crosses = (side: OrderSide, limitEurCents: number, priceEurCents: number): boolean =>
  side === 'buy' ? priceEurCents <= limitEurCents : priceEurCents >= limitEurCents;
