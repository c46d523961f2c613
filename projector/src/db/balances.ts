import { arrayLiteral } from '#shared/db/arrayLiteral.js';
import type { Executor } from '#shared/db/pool.js';
import type { BalanceDelta } from '../projections/balances.js';
import type { ProjectionTables } from '#shared/views/projectionTables.js';

/** Adds each user's batch delta to their one balance row (created at 0 when missing). */
export async function upsertBalances(
  tx: Executor,
  tables: ProjectionTables,
  deltas: BalanceDelta[],
): Promise<void> {
  if (deltas.length === 0) return;
  await tx.query(
    `INSERT INTO ${tables.balances} AS b ${BALANCE_ROWS}
     ON CONFLICT (user_id) DO UPDATE SET
       confirmed_sats = b.confirmed_sats + EXCLUDED.confirmed_sats,
       pending_sats = b.pending_sats + EXCLUDED.pending_sats,
       tx_count = b.tx_count + EXCLUDED.tx_count,
       version = EXCLUDED.version,
       updated_at = EXCLUDED.updated_at`,
    balanceColumns(deltas),
  );
}

/**
 * Creates the balance rows of users whose stream had no applied event before this
 * batch (a row exists exactly when the stream's version is above 0: both are written
 * in the same transactions). A plain INSERT: the stream-version compare-and-set already
 * holds these users, and a row that exists anyway fails the batch instead of being
 * silently added to. (Skipping ON CONFLICT saves a third of this statement.)
 */
export async function insertBalances(
  tx: Executor,
  tables: ProjectionTables,
  deltas: BalanceDelta[],
): Promise<void> {
  if (deltas.length === 0) return;
  await tx.query(`INSERT INTO ${tables.balances} ${BALANCE_ROWS}`, balanceColumns(deltas));
}

/** The column list and rows of a balance INSERT, from balanceColumns' arrays. */
const BALANCE_ROWS = `(user_id, confirmed_sats, pending_sats, tx_count, version, updated_at)
     SELECT * FROM unnest($1::text[], $2::bigint[], $3::bigint[], $4::int[], $5::bigint[], $6::timestamptz[])`;

const balanceColumns = (deltas: BalanceDelta[]) => [
  arrayLiteral(deltas, (d) => d.userId),
  arrayLiteral(deltas, (d) => d.confirmedSats),
  arrayLiteral(deltas, (d) => d.pendingSats),
  arrayLiteral(deltas, (d) => d.txCount),
  arrayLiteral(deltas, (d) => d.version),
  arrayLiteral(deltas, (d) => d.updatedAt),
];
