import { arrayLiteral } from '#shared/db/arrayLiteral.js';
import type { Executor } from '#shared/db/pool.js';
import type { DropReason } from '#shared/events/types.js';
import type { ActivityLookup } from '../projections/activities.js';
import type { Activity, ActivityChange, ActivityStatus, ActivityType } from '../projections/activity.js';
import type { ProjectionTables } from '#shared/views/projectionTables.js';

interface ActivityRow {
  user_id: string;
  activity_id: string;
  txid: string | null;
  type: ActivityType;
  amount_sats: number;
  status: ActivityStatus;
  block_hash: string | null;
  block_height: number | null;
  drop_reason: DropReason | null;
  replaced_by: string | null;
  coinbase: boolean;
  replaceable: boolean | null;
  first_seen_at: Date;
  updated_at: Date;
  order_id: string | null;
  limit_price_eur_cents: number | null;
  price_eur_cents: number | null;
  eur_cents: number | null;
  reject_reason: string | null;
  settlement_delta_sats: number | null;
}

/**
 * The current rows of a batch's keys (see activityLookup), in one statement: the rows by
 * activity id, and for each transaction the order row it is linked to, else its own row.
 * Each key is one probe of the primary key (LATERAL … LIMIT 1): joined plainly, a batch's
 * few hundred keys made the planner hash them and read the whole table (on the live bench,
 * 25,000 rows: 9 ms a batch against 3 ms), a cost that grows with the table.
 */
export async function selectActivities(
  tx: Executor,
  tables: ProjectionTables,
  { rows: byId, txs }: ActivityLookup,
): Promise<Activity[]> {
  if (byId.length + txs.length === 0) return [];
  const { rows } = await tx.query<ActivityRow>(
    `WITH k AS (
       SELECT user_id, activity_id FROM unnest($1::text[], $2::text[]) AS r(user_id, activity_id)
       UNION
       SELECT t.user_id, coalesce('order:' || l.order_id, t.txid)
       FROM unnest($3::text[], $4::text[]) AS t(user_id, txid)
       LEFT JOIN ${tables.settlementLinks} AS l ON l.user_id = t.user_id AND l.txid = t.txid
     )
     SELECT a.user_id, a.activity_id, a.txid, a.type, a.amount_sats, a.status, a.block_hash,
            a.block_height, a.drop_reason, a.replaced_by, a.coinbase, a.replaceable, a.first_seen_at,
            a.updated_at, a.order_id, a.limit_price_eur_cents, a.price_eur_cents, a.eur_cents,
            a.reject_reason, a.settlement_delta_sats
     FROM k CROSS JOIN LATERAL (
       SELECT * FROM ${tables.activities} AS r
        WHERE r.user_id = k.user_id AND r.activity_id = k.activity_id LIMIT 1) AS a`,
    [
      arrayLiteral(byId, (k) => k.userId),
      arrayLiteral(byId, (k) => k.activityId),
      arrayLiteral(txs, (k) => k.userId),
      arrayLiteral(txs, (k) => k.txid),
    ],
  );
  return rows.map((r) => ({
    userId: r.user_id,
    activityId: r.activity_id,
    txid: r.txid,
    type: r.type,
    amountSats: r.amount_sats,
    status: r.status,
    blockHash: r.block_hash,
    blockHeight: r.block_height,
    dropReason: r.drop_reason,
    replacedBy: r.replaced_by,
    coinbase: r.coinbase,
    replaceable: r.replaceable,
    firstSeenAt: r.first_seen_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
    order:
      r.order_id === null
        ? null
        : {
            orderId: r.order_id,
            side: r.type === 'bid' || r.type === 'buy' ? 'buy' : 'sell',
            limitPriceEurCents: r.limit_price_eur_cents,
            priceEurCents: r.price_eur_cents,
            eurCents: r.eur_cents,
            rejectReason: r.reject_reason,
            settlementDeltaSats: r.settlement_delta_sats,
          },
  }));
}

/**
 * Inserts activities the batch creates, in array order, so `seq` (newest first in the
 * BFF) follows the stream's order. A plain INSERT, not an upsert: the caller has already
 * moved the users' stream versions (the compare-and-set locks them), so no other
 * transaction can write these keys, and a key that exists anyway fails the batch
 * instead of being overwritten. (Skipping ON CONFLICT halves this statement's cost.)
 */
export async function insertActivities(
  tx: Executor,
  tables: ProjectionTables,
  activities: Activity[],
): Promise<void> {
  if (activities.length === 0) return;
  await tx.query(`INSERT INTO ${tables.activities} ${ACTIVITY_ROWS}`, activityColumns(activities));
}

/**
 * Writes the final state of activities that already had a row: each keeps its seq and
 * takes everything else (first_seen_at too: a pending event may have seen it earlier) (inserted in array order if missing after all).
 */
export async function upsertActivities(
  tx: Executor,
  tables: ProjectionTables,
  activities: Activity[],
): Promise<void> {
  if (activities.length === 0) return;
  await tx.query(
    `INSERT INTO ${tables.activities} AS a ${ACTIVITY_ROWS}
     ON CONFLICT (user_id, activity_id) DO UPDATE SET
       txid = EXCLUDED.txid, type = EXCLUDED.type, amount_sats = EXCLUDED.amount_sats, status = EXCLUDED.status,
       block_hash = EXCLUDED.block_hash, block_height = EXCLUDED.block_height,
       drop_reason = EXCLUDED.drop_reason, replaced_by = EXCLUDED.replaced_by,
       coinbase = EXCLUDED.coinbase, replaceable = EXCLUDED.replaceable,
       first_seen_at = EXCLUDED.first_seen_at, updated_at = EXCLUDED.updated_at,
       order_id = EXCLUDED.order_id, limit_price_eur_cents = EXCLUDED.limit_price_eur_cents,
       price_eur_cents = EXCLUDED.price_eur_cents, eur_cents = EXCLUDED.eur_cents,
       reject_reason = EXCLUDED.reject_reason, settlement_delta_sats = EXCLUDED.settlement_delta_sats`,
    activityColumns(activities),
  );
}

/** The column list and rows of an activity INSERT, from activityColumns' arrays, in array order. */
const ACTIVITY_ROWS = `(user_id, activity_id, txid, type, amount_sats, status, block_hash, block_height,
                          drop_reason, replaced_by, coinbase, replaceable, first_seen_at, updated_at,
                          order_id, limit_price_eur_cents, price_eur_cents, eur_cents, reject_reason,
                          settlement_delta_sats)
     SELECT user_id, activity_id, txid, type, amount_sats, status, block_hash, block_height,
            drop_reason, replaced_by, coinbase, replaceable, first_seen_at, updated_at, order_id,
            limit_price_eur_cents, price_eur_cents, eur_cents, reject_reason, settlement_delta_sats
     FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::bigint[], $6::text[], $7::text[],
                 $8::int[], $9::text[], $10::text[], $11::bool[], $12::bool[], $13::timestamptz[],
                 $14::timestamptz[], $15::text[], $16::bigint[], $17::bigint[], $18::bigint[],
                 $19::text[], $20::bigint[])
          WITH ORDINALITY AS i(user_id, activity_id, txid, type, amount_sats, status, block_hash,
                               block_height, drop_reason, replaced_by, coinbase, replaceable,
                               first_seen_at, updated_at, order_id, limit_price_eur_cents,
                               price_eur_cents, eur_cents, reject_reason, settlement_delta_sats, ord)
     ORDER BY ord`;

const activityColumns = (activities: Activity[]) => [
  arrayLiteral(activities, (a) => a.userId),
  arrayLiteral(activities, (a) => a.activityId),
  arrayLiteral(activities, (a) => a.txid),
  arrayLiteral(activities, (a) => a.type),
  arrayLiteral(activities, (a) => a.amountSats),
  arrayLiteral(activities, (a) => a.status),
  arrayLiteral(activities, (a) => a.blockHash),
  arrayLiteral(activities, (a) => a.blockHeight),
  arrayLiteral(activities, (a) => a.dropReason),
  arrayLiteral(activities, (a) => a.replacedBy),
  arrayLiteral(activities, (a) => a.coinbase),
  arrayLiteral(activities, (a) => a.replaceable),
  arrayLiteral(activities, (a) => a.firstSeenAt),
  arrayLiteral(activities, (a) => a.updatedAt),
  arrayLiteral(activities, (a) => a.order?.orderId ?? null),
  arrayLiteral(activities, (a) => a.order?.limitPriceEurCents ?? null),
  arrayLiteral(activities, (a) => a.order?.priceEurCents ?? null),
  arrayLiteral(activities, (a) => a.order?.eurCents ?? null),
  arrayLiteral(activities, (a) => a.order?.rejectReason ?? null),
  arrayLiteral(activities, (a) => a.order?.settlementDeltaSats ?? null),
];

/** Deletes the chain rows folded into order rows (one statement for the batch). */
export async function deleteActivities(
  tx: Executor,
  tables: ProjectionTables,
  keys: { userId: string; activityId: string }[],
): Promise<void> {
  if (keys.length === 0) return;
  await tx.query(
    `DELETE FROM ${tables.activities} AS a USING unnest($1::text[], $2::text[]) AS k(user_id, activity_id)
     WHERE a.user_id = k.user_id AND a.activity_id = k.activity_id`,
    [arrayLiteral(keys, (k) => k.userId), arrayLiteral(keys, (k) => k.activityId)],
  );
}

/**
 * Appends the history rows. Each (user, stream, version) is written once: only by the
 * transaction that moved the stream past that version, which holds the stream
 * (see insertActivities), so a plain INSERT; a duplicate would be a bug and fails the batch.
 */
export async function insertActivityChanges(
  tx: Executor,
  tables: ProjectionTables,
  changes: ActivityChange[],
): Promise<void> {
  if (changes.length === 0) return;
  await tx.query(
    `INSERT INTO ${tables.activityChanges}
       (user_id, txid, version, status, amount_sats, block_hash, block_height, occurred_at,
        drop_reason, replaced_by, stream, activity_id)
     SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[], $4::text[], $5::bigint[], $6::text[],
                          $7::int[], $8::timestamptz[], $9::text[], $10::text[], $11::text[], $12::text[])`,
    [
      arrayLiteral(changes, (c) => c.userId),
      arrayLiteral(changes, (c) => c.txid),
      arrayLiteral(changes, (c) => c.version),
      arrayLiteral(changes, (c) => c.status),
      arrayLiteral(changes, (c) => c.amountSats),
      arrayLiteral(changes, (c) => c.blockHash),
      arrayLiteral(changes, (c) => c.blockHeight),
      arrayLiteral(changes, (c) => c.occurredAt),
      arrayLiteral(changes, (c) => c.dropReason),
      arrayLiteral(changes, (c) => c.replacedBy),
      arrayLiteral(changes, (c) => c.stream),
      arrayLiteral(changes, (c) => c.activityId),
    ],
  );
}
