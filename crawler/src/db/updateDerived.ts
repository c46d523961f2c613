import type { Executor } from '#shared/db/pool.js';
import { DESCRIPTORS_TABLE } from './tables.js';

/** Records that addresses 0 .. n − 1 of each branch of a wallet are watched (the uses that moved them, handled). */
export async function updateDerived(
  tx: Executor,
  descriptorId: string,
  [receive, change]: readonly [number, number],
): Promise<void> {
  await tx.query(
    `UPDATE ${DESCRIPTORS_TABLE} SET derived_receive = $2, derived_change = $3, extend_from_height = NULL
      WHERE descriptor_id = $1`,
    [descriptorId, receive, change],
  );
}
