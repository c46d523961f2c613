import type { Executor } from '#shared/db/pool.js';
import { UTXOS_TABLE } from './tables.js';

/** Confirmed balance per user: the sum of their unspent wallet UTXOs. */
export async function selectBalances(ex: Executor): Promise<Map<string, number>> {
  const { rows } = await ex.query<{ user_id: string; sats: number }>(
    `SELECT user_id, sum(value_sats)::bigint AS sats FROM ${UTXOS_TABLE} WHERE spent_txid IS NULL GROUP BY user_id`,
  );
  return new Map(rows.map((r) => [r.user_id, r.sats]));
}
