import type { Executor } from '#shared/db/pool.js';
import type { DescriptorRow } from './descriptorRow.js';
import { ONLINE } from './tables.js';

/** Inserts a descriptor whose first windows (gapLimit addresses per branch) are watched next. */
export async function insertDescriptor(
  tx: Executor,
  d: Pick<
    DescriptorRow,
    'descriptorId' | 'userId' | 'descriptor' | 'gapLimit' | 'fromHeight' | 'rescanRequested'
  >,
): Promise<void> {
  await tx.query(
    `INSERT INTO ${ONLINE.descriptors}
            (descriptor_id, user_id, descriptor, gap_limit, from_height, rescan_requested, derived_receive, derived_change)
     VALUES ($1, $2, $3, $4, $5, $6, $4, $4)`,
    [d.descriptorId, d.userId, d.descriptor, d.gapLimit, d.fromHeight, d.rescanRequested],
  );
}
