import type { Executor } from '#shared/db/pool.js';
import { LIVE_PROJECTION } from '#shared/views/projectionTables.js';
import type { Tip } from './tables.js';

interface BalanceRow {
  user_id: string;
  confirmed_sats: number | null;
  pending_sats: number | null;
  tx_count: number | null;
  version: number | null;
  tip_height: number | null;
  tip_hash: string | null;
}

export interface BalanceView {
  userId: string;
  confirmedSats: number;
  pendingSats: number;
  txCount: number;
  version: number;
  /** The chain tip the projection reflects, read in the same snapshot as the balance. */
  tip: Tip | null;
}

/**
 * Several users' projected balances and the projection's tip, in one statement (one
 * snapshot, so the tip is the one every balance reflects). A user the read side knows
 * but who has no balance row yet reads as zero; a user it does not know is absent from
 * the map.
 */
export async function readBalances(
  ex: Executor,
  userIds: readonly string[],
): Promise<Map<string, BalanceView>> {
  const { rows } = await ex.query<BalanceRow>({
    name: 'bff_read_balances',
    text: `SELECT q.user_id, b.confirmed_sats, b.pending_sats, b.tx_count, b.version,
                  t.height AS tip_height, t.hash AS tip_hash
           FROM unnest($1::text[]) AS q(user_id)
           LEFT JOIN ${LIVE_PROJECTION.balances} b ON b.user_id = q.user_id
           LEFT JOIN ${LIVE_PROJECTION.users} u ON u.user_id = q.user_id
           LEFT JOIN LATERAL (SELECT height, hash FROM ${LIVE_PROJECTION.chainBlocks} ORDER BY height DESC LIMIT 1) t
             ON true
           WHERE b.user_id IS NOT NULL OR u.user_id IS NOT NULL`,
    values: [userIds],
  });
  const balances = new Map<string, BalanceView>();
  for (const row of rows) {
    balances.set(row.user_id, {
      userId: row.user_id,
      confirmedSats: row.confirmed_sats ?? 0,
      pendingSats: row.pending_sats ?? 0,
      txCount: row.tx_count ?? 0,
      version: row.version ?? 0,
      tip:
        row.tip_height === null || row.tip_hash === null
          ? null
          : { height: row.tip_height, hash: row.tip_hash },
    });
  }
  return balances;
}
