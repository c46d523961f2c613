import type { Executor } from '#shared/db/pool.js';
import { WATCHED_ADDRESSES_TABLE } from './tables.js';

/** Records that these addresses are matched live after `height`: every block up to it was scanned for them. */
export async function joinAddresses(tx: Executor, addresses: string[], height: number): Promise<void> {
  if (addresses.length === 0) return;
  await tx.query(`UPDATE ${WATCHED_ADDRESSES_TABLE} SET joined_height = $2 WHERE address = ANY ($1)`, [
    addresses,
    height,
  ]);
}
