import type { Executor } from '#shared/db/pool.js';
import { userStream } from '#shared/events/streams.js';
import { LIVE_PROJECTION } from '#shared/views/projectionTables.js';
import { userTipSql } from '#shared/views/userTipSql.js';
import type { Tip } from './tables.js';

/** A row with BALANCE_COLUMNS. */
export interface BalanceRow {
  user_id: string;
  confirmed_sats: number | null;
  pending_sats: number | null;
  immature_sats: number;
  tx_count: number | null;
  version: number | null;
  tip_height: number | null;
  tip_hash: string | null;
  rescanning: boolean;
  known: boolean;
}

export interface BalanceView {
  userId: string;
  /** What the user's main-chain transactions add up to. */
  confirmedSats: number;
  /** The net change the user's transactions in the mempool would make once mined. */
  pendingSats: number;
  /** The part of confirmedSats in coinbase rewards with fewer than 100 confirmations at `tip`. */
  immatureSats: number;
  /** confirmedSats + pendingSats. */
  totalSats: number;
  txCount: number;
  version: number;
  /**
   * The chain position the balance reflects exactly, read in the same snapshot: the
   * projection's tip, or lower while the user's events of a block are still on their way.
   */
  tip: Tip | null;
  /** An address of the user is being rescanned for its history: more activities may come. */
  rescanning: boolean;
}

/** A coinbase output is spendable from its 100th confirmation on. */
export const COINBASE_MATURITY = 100;

/**
 * The balance columns of each row of a row source `q` with `user_id` and `stream`, and the
 * joins they need: the balance, whether the read side knows the user, the chain position
 * the user's rows reflect (userTipSql), the immature part and the rescanning flag. The
 * immature part sums the user's confirmed coinbase rows whose confirmations (tip − height
 * + 1) are below 100, i.e. height > tip + 1 − 100, from the partial index on coinbase rows
 * (empty for most users); with no tip yet, every one is immature.
 */
export const BALANCE_COLUMNS = `b.confirmed_sats, b.pending_sats, b.tx_count, b.version,
  t.height AS tip_height, t.hash AS tip_hash, i.immature_sats,
  EXISTS (SELECT 1 FROM ${LIVE_PROJECTION.userAddresses} r
           WHERE r.user_id = q.user_id AND r.rescanning) AS rescanning,
  (b.user_id IS NOT NULL OR u.user_id IS NOT NULL) AS known`;
export const BALANCE_JOINS = `LEFT JOIN ${LIVE_PROJECTION.balances} b ON b.user_id = q.user_id
  LEFT JOIN ${LIVE_PROJECTION.users} u ON u.user_id = q.user_id
  LEFT JOIN LATERAL (${userTipSql(LIVE_PROJECTION, 'q.stream')}) t ON true
  CROSS JOIN LATERAL (
    SELECT coalesce(sum(a.amount_sats), 0)::int8 AS immature_sats
    FROM ${LIVE_PROJECTION.activities} a
    WHERE a.user_id = q.user_id AND a.coinbase AND a.status = 'confirmed'
      AND a.block_height > coalesce(t.height, -1) + 1 - ${COINBASE_MATURITY}) i`;

/**
 * Several users' projected balances, each with the chain position it reflects, in one
 * statement (one snapshot). A user the read side knows but who has no balance row yet
 * reads as zero; a user it does not know is absent from the map.
 */
export async function readBalances(
  ex: Executor,
  userIds: readonly string[],
): Promise<Map<string, BalanceView>> {
  const { rows } = await ex.query<BalanceRow>({
    name: 'bff_read_balances',
    text: `SELECT q.user_id, ${BALANCE_COLUMNS}
           FROM unnest($1::text[], $2::text[]) AS q(user_id, stream)
           ${BALANCE_JOINS}
           WHERE b.user_id IS NOT NULL OR u.user_id IS NOT NULL`,
    values: [userIds, userIds.map(userStream)],
  });
  return new Map(rows.map((row) => [row.user_id, toBalanceView(row)]));
}

/** A balance from the columns of BALANCE_COLUMNS. */
export function toBalanceView(row: BalanceRow): BalanceView {
  const confirmedSats = row.confirmed_sats ?? 0;
  const pendingSats = row.pending_sats ?? 0;
  return {
    userId: row.user_id,
    confirmedSats,
    pendingSats,
    immatureSats: row.immature_sats,
    totalSats: confirmedSats + pendingSats,
    txCount: row.tx_count ?? 0,
    version: row.version ?? 0,
    tip:
      row.tip_height === null || row.tip_hash === null
        ? null
        : { height: row.tip_height, hash: row.tip_hash },
    rescanning: row.rescanning,
  };
}
