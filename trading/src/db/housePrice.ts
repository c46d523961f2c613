import type { Executor } from '#shared/db/pool.js';

export interface HousePrice {
  priceEurCents: number | null;
  setAt: Date | null;
}

const COLUMNS = 'price_eur_cents AS "priceEurCents", set_at AS "setAt"';

/**
 * The current price; `lock` FOR SHARE makes a concurrent price change wait for this
 * transaction (and this one for it), so no order is placed between a price and its fills.
 */
export async function selectHousePrice(db: Executor, lock = false): Promise<HousePrice> {
  const { rows } = await db.query<HousePrice>(
    `SELECT ${COLUMNS} FROM house_price ${lock ? 'FOR SHARE' : ''}`,
  );
  return rows[0]!;
}

/** Sets the price; the row stays locked until the transaction (and its fills) commits. */
export async function updateHousePrice(tx: Executor, priceEurCents: number): Promise<HousePrice> {
  const { rows } = await tx.query<HousePrice>(
    `UPDATE house_price SET price_eur_cents = $1, set_at = now() RETURNING ${COLUMNS}`,
    [priceEurCents],
  );
  return rows[0]!;
}
