import type { Executor } from '#shared/db/pool.js';
import type { DropReason } from '#shared/events/types.js';
import { userStream } from '#shared/events/streams.js';
import { LIVE_PROJECTION } from '#shared/views/projectionTables.js';
import { userTipSql } from '#shared/views/userTipSql.js';
import type { Tip } from './tables.js';

/** A transaction's status: a chain row's, or an order row's settlement once its transaction is seen. */
export type TxStatus = 'pending' | 'confirmed' | 'reverted' | 'replaced' | 'dropped';
/** An order row's own: open, cancelled or rejected (a bid/ask), settling (a filled buy/sell). */
export type ActivityStatus = TxStatus | 'open' | 'cancelled' | 'rejected' | 'settling';
export type ActivityType = 'receive' | 'withdrawal' | 'self' | 'bid' | 'ask' | 'buy' | 'sell';

/** An activity row as json_agg gives it (the page and the live reads share it). */
export interface ActivityJson {
  seq: number;
  txid: string | null;
  type: ActivityType;
  amount_sats: number;
  status: ActivityStatus;
  block_hash: string | null;
  block_height: number | null;
  drop_reason: DropReason | null;
  replaced_by: string | null;
  replaceable: boolean | null;
  first_seen_at: string;
  order_id: string | null;
  limit_price_eur_cents: number | null;
  price_eur_cents: number | null;
  eur_cents: number | null;
  reject_reason: string | null;
  settlement_delta_sats: number | null;
}

interface PageRow {
  known: boolean;
  tip_height: number | null;
  tip_hash: string | null;
  items: ActivityJson[];
}

export interface ActivityRow {
  seq: number;
  /** A chain row's transaction; an order row's settlement transaction once linked. */
  txid: string | null;
  type: ActivityType;
  amountSats: number;
  status: ActivityStatus;
  blockHash: string | null;
  blockHeight: number | null;
  dropReason: DropReason | null;
  replacedBy: string | null;
  replaceable: boolean | null;
  firstSeenAt: Date;
  /** Order rows only (null on chain rows). */
  orderId: string | null;
  limitPriceEurCents: number | null;
  priceEurCents: number | null;
  eurCents: number | null;
  rejectReason: string | null;
  settlementDeltaSats: number | null;
}

export interface ActivitiesPage {
  /** False when the read side knows no such user. */
  known: boolean;
  tip: Tip | null;
  /** Newest first; up to `limit` rows with seq below `beforeSeq`. */
  rows: ActivityRow[];
}

const NO_CURSOR = '9223372036854775807';

/** The columns an activity's JSON carries (see ActivityJson). */
export const ACTIVITY_JSON_COLUMNS = `seq, txid, type, amount_sats, status, block_hash, block_height, drop_reason,
  replaced_by, replaceable, first_seen_at, order_id, limit_price_eur_cents, price_eur_cents, eur_cents,
  reject_reason, settlement_delta_sats`;

/**
 * A page of one user's activities (chain rows and order rows), newest first (seq DESC), strictly older than
 * `beforeSeq`, together with the chain position the user's rows reflect (userTipSql) —
 * one statement, one snapshot, so the confirmations computed from it match the rows. seq
 * never changes for a row and new rows get higher ones, so keyset pages neither repeat
 * nor skip while rows arrive.
 */
export async function readActivitiesPage(
  ex: Executor,
  userId: string,
  { beforeSeq, limit }: { beforeSeq: number | undefined; limit: number },
): Promise<ActivitiesPage> {
  const { rows } = await ex.query<PageRow>({
    name: 'bff_read_activities_page',
    text: `SELECT
             (EXISTS (SELECT 1 FROM ${LIVE_PROJECTION.users} WHERE user_id = $1)
               OR EXISTS (SELECT 1 FROM ${LIVE_PROJECTION.balances} WHERE user_id = $1)
               OR EXISTS (SELECT 1 FROM ${LIVE_PROJECTION.activities} WHERE user_id = $1)) AS known,
             t.height AS tip_height, t.hash AS tip_hash,
             coalesce((SELECT json_agg(a ORDER BY a.seq DESC) FROM (
                 SELECT ${ACTIVITY_JSON_COLUMNS}
                 FROM ${LIVE_PROJECTION.activities}
                 WHERE user_id = $1 AND seq < $2::int8
                 ORDER BY seq DESC
                 LIMIT $3) a), '[]'::json) AS items
           FROM (SELECT 1) one
           LEFT JOIN LATERAL (${userTipSql(LIVE_PROJECTION, '$4::text')}) t ON true`,
    values: [userId, beforeSeq === undefined ? NO_CURSOR : String(beforeSeq), limit, userStream(userId)],
  });
  const row = rows[0]!;
  return {
    known: row.known,
    tip:
      row.tip_height === null || row.tip_hash === null
        ? null
        : { height: row.tip_height, hash: row.tip_hash },
    rows: row.items.map(toActivityRow),
  };
}

/** An activity row from its JSON (json_agg of the table's columns). */
export function toActivityRow(a: ActivityJson): ActivityRow {
  return {
    seq: a.seq,
    txid: a.txid,
    type: a.type,
    amountSats: a.amount_sats,
    status: a.status,
    blockHash: a.block_hash,
    blockHeight: a.block_height,
    dropReason: a.drop_reason,
    replacedBy: a.replaced_by,
    replaceable: a.replaceable,
    firstSeenAt: new Date(a.first_seen_at),
    orderId: a.order_id,
    limitPriceEurCents: a.limit_price_eur_cents,
    priceEurCents: a.price_eur_cents,
    eurCents: a.eur_cents,
    rejectReason: a.reject_reason,
    settlementDeltaSats: a.settlement_delta_sats,
  };
}
