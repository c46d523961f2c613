import type { Executor } from '#shared/db/pool.js';
import { DESCRIPTORS_TABLE } from './tables.js';

export interface ShortDescriptor {
  descriptorId: string;
  userId: string;
  descriptor: string;
  gapLimit: number;
  fromHeight: number;
  /** The lowest height of an output that moved a used mark since the last extension. */
  extendFromHeight: number | null;
  derived: [receive: number, change: number];
  used: [receive: number, change: number];
}

/**
 * The wallets whose watched window is short of `gap_limit` unused addresses beyond the
 * highest used index on a branch (the partial index of migration 0108), locked until the
 * caller's transaction ends.
 */
export async function selectShortDescriptors(tx: Executor): Promise<ShortDescriptor[]> {
  const { rows } = await tx.query<{
    descriptor_id: string;
    user_id: string;
    descriptor: string;
    gap_limit: number;
    from_height: number;
    extend_from_height: number | null;
    derived_receive: number;
    derived_change: number;
    used_receive: number;
    used_change: number;
  }>(
    `SELECT descriptor_id, user_id, descriptor, gap_limit, from_height, extend_from_height, derived_receive, derived_change,
            used_receive, used_change
       FROM ${DESCRIPTORS_TABLE}
      WHERE used_receive + 1 + gap_limit > derived_receive OR used_change + 1 + gap_limit > derived_change
      ORDER BY descriptor_id FOR UPDATE`,
  );
  return rows.map((r) => ({
    descriptorId: r.descriptor_id,
    userId: r.user_id,
    descriptor: r.descriptor,
    gapLimit: r.gap_limit,
    fromHeight: r.from_height,
    extendFromHeight: r.extend_from_height,
    derived: [r.derived_receive, r.derived_change],
    used: [r.used_receive, r.used_change],
  }));
}
