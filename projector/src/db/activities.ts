import type { Executor } from '#shared/db/pool.js';
import type { DropReason } from '#shared/events/types.js';
import type { Activity, ActivityChange, ActivityStatus, ActivityType } from '../projections/activity.js';
import type { ProjectionTables } from '#shared/views/projectionTables.js';

interface ActivityRow {
  user_id: string;
  txid: string;
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
}

/** The current rows of the given (user, txid) keys. */
export async function selectActivities(
  tx: Executor,
  tables: ProjectionTables,
  keys: { userId: string; txid: string }[],
): Promise<Activity[]> {
  if (keys.length === 0) return [];
  const { rows } = await tx.query<ActivityRow>(
    `SELECT a.user_id, a.txid, a.type, a.amount_sats, a.status, a.block_hash, a.block_height,
            a.drop_reason, a.replaced_by, a.coinbase, a.replaceable, a.first_seen_at, a.updated_at
     FROM ${tables.activities} AS a
     JOIN unnest($1::text[], $2::text[]) AS k(user_id, txid) ON a.user_id = k.user_id AND a.txid = k.txid`,
    [keys.map((k) => k.userId), keys.map((k) => k.txid)],
  );
  return rows.map((r) => ({
    userId: r.user_id,
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
     ON CONFLICT (user_id, txid) DO UPDATE SET
       type = EXCLUDED.type, amount_sats = EXCLUDED.amount_sats, status = EXCLUDED.status,
       block_hash = EXCLUDED.block_hash, block_height = EXCLUDED.block_height,
       drop_reason = EXCLUDED.drop_reason, replaced_by = EXCLUDED.replaced_by,
       coinbase = EXCLUDED.coinbase, replaceable = EXCLUDED.replaceable,
       first_seen_at = EXCLUDED.first_seen_at, updated_at = EXCLUDED.updated_at`,
    activityColumns(activities),
  );
}

/** The column list and rows of an activity INSERT, from activityColumns' arrays, in array order. */
const ACTIVITY_ROWS = `(user_id, txid, type, amount_sats, status, block_hash, block_height, drop_reason,
                          replaced_by, coinbase, replaceable, first_seen_at, updated_at)
     SELECT user_id, txid, type, amount_sats, status, block_hash, block_height, drop_reason,
            replaced_by, coinbase, replaceable, first_seen_at, updated_at
     FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::text[], $6::text[], $7::int[],
                 $8::text[], $9::text[], $10::bool[], $11::bool[], $12::timestamptz[], $13::timestamptz[])
          WITH ORDINALITY AS i(user_id, txid, type, amount_sats, status, block_hash, block_height,
                               drop_reason, replaced_by, coinbase, replaceable, first_seen_at,
                               updated_at, ord)
     ORDER BY ord`;

const activityColumns = (activities: Activity[]) => [
  activities.map((a) => a.userId),
  activities.map((a) => a.txid),
  activities.map((a) => a.type),
  activities.map((a) => a.amountSats),
  activities.map((a) => a.status),
  activities.map((a) => a.blockHash),
  activities.map((a) => a.blockHeight),
  activities.map((a) => a.dropReason),
  activities.map((a) => a.replacedBy),
  activities.map((a) => a.coinbase),
  activities.map((a) => a.replaceable),
  activities.map((a) => a.firstSeenAt),
  activities.map((a) => a.updatedAt),
];

/**
 * Appends the history rows. Each (user, version) is written once: only by the
 * transaction that moved the user's stream past that version, which holds the stream
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
        drop_reason, replaced_by)
     SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[], $4::text[], $5::bigint[], $6::text[],
                          $7::int[], $8::timestamptz[], $9::text[], $10::text[])`,
    [
      changes.map((c) => c.userId),
      changes.map((c) => c.txid),
      changes.map((c) => c.version),
      changes.map((c) => c.status),
      changes.map((c) => c.amountSats),
      changes.map((c) => c.blockHash),
      changes.map((c) => c.blockHeight),
      changes.map((c) => c.occurredAt),
      changes.map((c) => c.dropReason),
      changes.map((c) => c.replacedBy),
    ],
  );
}
