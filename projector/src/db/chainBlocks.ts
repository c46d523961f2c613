import type { Executor } from '#shared/db/pool.js';
import type { ChainBlock } from '../projections/chainTip.js';
import type { ProjectionTables } from '#shared/views/projectionTables.js';

export async function upsertChainBlocks(
  tx: Executor,
  tables: ProjectionTables,
  blocks: ChainBlock[],
): Promise<void> {
  if (blocks.length === 0) return;
  await tx.query(
    `INSERT INTO ${tables.chainBlocks} (height, hash, prev_hash, time)
     SELECT * FROM unnest($1::int[], $2::text[], $3::text[], $4::bigint[])
     ON CONFLICT (height) DO UPDATE SET
       hash = EXCLUDED.hash, prev_hash = EXCLUDED.prev_hash, time = EXCLUDED.time`,
    [
      blocks.map((b) => b.height),
      blocks.map((b) => b.hash),
      blocks.map((b) => b.prevHash),
      blocks.map((b) => b.time),
    ],
  );
}

/** Removes disconnected blocks; a height that already holds another hash is left alone. */
export async function deleteChainBlocks(
  tx: Executor,
  tables: ProjectionTables,
  blocks: { height: number; hash: string }[],
): Promise<void> {
  if (blocks.length === 0) return;
  await tx.query(
    `DELETE FROM ${tables.chainBlocks} AS c
     USING unnest($1::int[], $2::text[]) AS d(height, hash)
     WHERE c.height = d.height AND c.hash = d.hash`,
    [blocks.map((b) => b.height), blocks.map((b) => b.hash)],
  );
}
