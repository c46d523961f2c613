import type { Executor } from '#shared/db/pool.js';
import type { ProjectionTables } from '#shared/views/projectionTables.js';
import type { StreamAwait } from '../projections/streamAwaits.js';

/**
 * Records the waits still unmet against the applied versions this transaction sees
 * (its own batch's included). Not locked against a concurrent batch of the user's
 * stream: a wait that batch meets meanwhile is merely kept until the next sweep, and
 * readers compare each wait with the applied version anyway.
 */
export async function insertStreamAwaits(
  tx: Executor,
  tables: ProjectionTables,
  awaits: StreamAwait[],
): Promise<void> {
  if (awaits.length === 0) return;
  await tx.query(
    `INSERT INTO ${tables.streamAwaits} (stream, chain_version, version, height, hash)
     SELECT a.stream, a.chain_version, a.version, a.height, a.hash
       FROM unnest($1::text[], $2::bigint[], $3::bigint[], $4::int[], $5::text[])
            AS a(stream, chain_version, version, height, hash)
       LEFT JOIN ${tables.streamVersions} v ON v.stream = a.stream
      WHERE a.version > coalesce(v.version, 0)
     ON CONFLICT (stream, chain_version) DO NOTHING`,
    [
      awaits.map((a) => a.stream),
      awaits.map((a) => a.chainVersion),
      awaits.map((a) => a.version),
      awaits.map((a) => a.height),
      awaits.map((a) => a.hash),
    ],
  );
}

/** Deletes the waits met so far: the table holds little more than the blocks in flight. */
export async function sweepStreamAwaits(tx: Executor, tables: ProjectionTables): Promise<void> {
  await tx.query(
    `DELETE FROM ${tables.streamAwaits} a
      USING ${tables.streamVersions} v
      WHERE v.stream = a.stream AND v.version >= a.version`,
  );
}
