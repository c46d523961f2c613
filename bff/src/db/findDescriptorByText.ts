import type { Executor } from '#shared/db/pool.js';
import {
  DESCRIPTOR_COLUMNS,
  toDescriptorRow,
  type DescriptorRow,
  type DescriptorSqlRow,
} from './descriptorRow.js';
import { ONLINE } from './tables.js';

/** A registered descriptor by its normalised text, whoever owns it. */
export async function findDescriptorByText(
  ex: Executor,
  descriptor: string,
): Promise<DescriptorRow | undefined> {
  const { rows } = await ex.query<DescriptorSqlRow>(
    `SELECT ${DESCRIPTOR_COLUMNS} FROM ${ONLINE.descriptors} d WHERE d.descriptor = $1`,
    [descriptor],
  );
  return rows[0] && toDescriptorRow(rows[0]);
}
