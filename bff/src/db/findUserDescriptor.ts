import type { Executor } from '#shared/db/pool.js';
import {
  DESCRIPTOR_COLUMNS,
  toDescriptorRow,
  type DescriptorRow,
  type DescriptorSqlRow,
} from './descriptorRow.js';
import { ONLINE } from './tables.js';

/** A user's descriptor by id; undefined when it is not theirs (or does not exist). */
export async function findUserDescriptor(
  ex: Executor,
  userId: string,
  descriptorId: string,
): Promise<DescriptorRow | undefined> {
  const { rows } = await ex.query<DescriptorSqlRow>(
    `SELECT ${DESCRIPTOR_COLUMNS} FROM ${ONLINE.descriptors} d WHERE d.descriptor_id = $1 AND d.user_id = $2`,
    [descriptorId, userId],
  );
  return rows[0] && toDescriptorRow(rows[0]);
}
