import type { Executor } from '../../../shared/src/db/pool.js';
import type { OwnedOutput } from '../matching/types.js';
import { UTXOS_TABLE } from './tables.js';

/** Records the outputs a block paid to watched scripts. */
export async function insertUtxos(
  tx: Executor,
  block: { hash: string; height: number },
  outputs: OwnedOutput[],
): Promise<void> {
  if (outputs.length === 0) return;
  await tx.query(
    `INSERT INTO ${UTXOS_TABLE} (txid, vout, user_id, address, value_sats, block_hash, height)
     SELECT o.txid, o.vout, o.user_id, o.address, o.value_sats, $6, $7
       FROM unnest($1::text[], $2::int[], $3::text[], $4::text[], $5::bigint[])
            AS o (txid, vout, user_id, address, value_sats)`,
    [
      outputs.map((o) => o.txid),
      outputs.map((o) => o.vout),
      outputs.map((o) => o.userId),
      outputs.map((o) => o.address),
      outputs.map((o) => o.valueSats),
      block.hash,
      block.height,
    ],
  );
}
