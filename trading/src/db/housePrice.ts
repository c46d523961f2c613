import type { Executor } from '#shared/db/pool.js';
import type { Opening } from '#shared/db/withTransaction.js';

export interface HousePrice {
  priceEurCents: number | null;
  setAt: Date | null;
}

const COLUMNS = 'price_eur_cents AS "priceEurCents", set_at AS "setAt"';

/** The price lock's key, in this database's own advisory lock space. */
const PRICE_LOCK = 400;

/**
 * How a placement's transaction begins, in one round trip: it takes the price lock shared
 * and reads the price. A price change (which takes the lock alone) waits for the placement
 * to commit and then sees its order; a placement that waited reads the new price, since
 * each statement here reads as of its own start. No order is ever placed between a price
 * and its fills. An advisory lock, not FOR SHARE on the price row: concurrent placements
 * share it in memory instead of each writing a multixact into the row.
 */
export const BEGIN_PLACEMENT = `BEGIN; SELECT pg_advisory_xact_lock_shared(${PRICE_LOCK});
  SELECT ${COLUMNS} FROM house_price`;

/** The price a transaction begun with BEGIN_PLACEMENT read. */
export function placementPrice(opening: Opening): HousePrice {
  return opening.at(-1)!.rows[0] as HousePrice;
}

/** How a price change's transaction begins: holding the price lock alone. */
export const BEGIN_PRICE_CHANGE = `BEGIN; SELECT pg_advisory_xact_lock(${PRICE_LOCK})`;

/** The current price. */
export async function selectHousePrice(db: Executor): Promise<HousePrice> {
  const { rows } = await db.query<HousePrice>(`SELECT ${COLUMNS} FROM house_price`);
  return rows[0]!;
}

/** Sets the price, in a transaction begun with BEGIN_PRICE_CHANGE. */
export async function updateHousePrice(tx: Executor, priceEurCents: number): Promise<HousePrice> {
  const { rows } = await tx.query<HousePrice>(
    `UPDATE house_price SET price_eur_cents = $1, set_at = now() RETURNING ${COLUMNS}`,
    [priceEurCents],
  );
  return rows[0]!;
}
