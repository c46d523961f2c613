import type { Executor } from '#shared/db/pool.js';
import { projectionTables, type ProjectionTables } from '#shared/views/projectionTables.js';

/**
 * The row expression hashed per table: every column a replay must reproduce. Left
 * out: `seq` (identity values depend on retries; the order of a user's chain rows is
 * compared instead), and when a row was parked or dead-lettered (wall-clock, not event time).
 */
const ROWS: Record<string, (t: ProjectionTables) => string> = {
  balances: (t) => `SELECT b::text AS r FROM ${t.balances} AS b`,
  // A user's chain rows come in their stream's order; an order row's place among them
  // depends on when its own stream (another partition) was applied, so it is left out.
  activities: (t) =>
    `SELECT concat_ws('|', user_id, activity_id, txid, type, amount_sats, status, block_hash,
                      block_height, first_seen_at, updated_at, drop_reason, replaced_by, coinbase,
                      replaceable, order_id, limit_price_eur_cents, price_eur_cents, eur_cents,
                      reject_reason, settlement_delta_sats,
                      CASE WHEN order_id IS NULL
                           THEN row_number() OVER (PARTITION BY user_id, order_id IS NULL ORDER BY seq) END) AS r
     FROM ${t.activities}`,
  activity_changes: (t) => `SELECT c::text AS r FROM ${t.activityChanges} AS c`,
  settlement_links: (t) => `SELECT l::text AS r FROM ${t.settlementLinks} AS l`,
  chain_blocks: (t) => `SELECT c::text AS r FROM ${t.chainBlocks} AS c`,
  users: (t) => `SELECT u::text AS r FROM ${t.users} AS u`,
  user_addresses: (t) => `SELECT a::text AS r FROM ${t.userAddresses} AS a`,
  stream_versions: (t) => `SELECT s::text AS r FROM ${t.streamVersions} AS s`,
  parked_events: (t) => `SELECT concat_ws('|', stream, version, event) AS r FROM ${t.parkedEvents}`,
  // Only the unmet waits: a met one is absent to readers, whenever the sweep removes it.
  stream_awaits: (t) =>
    `SELECT concat_ws('|', a.stream, a.chain_version, a.version, a.height, a.hash) AS r
     FROM ${t.streamAwaits} AS a LEFT JOIN ${t.streamVersions} AS v ON v.stream = a.stream
     WHERE a.version > coalesce(v.version, 0)`,
  dead_letters: (t) =>
    `SELECT concat_ws('|', stream, version, topic, kafka_partition, kafka_offset, reason, raw) AS r
     FROM ${t.deadLetters}`,
};

/** md5 and row count of every read-model table of `schema`: equal sums = equal projections. */
export async function tableChecksums(
  db: Executor,
  schema: string,
): Promise<Record<string, { rows: number; md5: string }>> {
  const t = projectionTables(schema);
  const out: Record<string, { rows: number; md5: string }> = {};
  for (const [table, rows] of Object.entries(ROWS)) {
    const { rows: result } = await db.query<{ rows: number; md5: string }>(
      `SELECT count(*)::int AS rows, md5(coalesce(string_agg(r, E'\\n' ORDER BY r), '')) AS md5
       FROM (${rows(t)}) AS x`,
    );
    out[table] = result[0]!;
  }
  return out;
}
