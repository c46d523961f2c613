import type { Executor } from '#shared/db/pool.js';
import { RESCANS_TABLE, WATCHED_ADDRESSES_TABLE } from './tables.js';

export interface OpenRescan {
  rescanId: number;
  fromHeight: number;
  /** The next stored block to scan. */
  nextHeight: number;
  blocksScanned: number;
  /** When its first blocks were scanned (null: queued). */
  startedAt: Date | null;
  addresses: number;
}

/**
 * The rescans not finished yet, the one to run first: the closest to our tip, so that an
 * address learned a block late never waits behind a long history rescan.
 */
export async function selectOpenRescans(ex: Executor): Promise<OpenRescan[]> {
  const { rows } = await ex.query<{
    rescan_id: string;
    from_height: number;
    next_height: number;
    blocks_scanned: string;
    started_at: Date | null;
    addresses: number;
  }>(
    `SELECT r.rescan_id, r.from_height, r.next_height, r.blocks_scanned, r.started_at,
            (SELECT count(*)::int FROM ${WATCHED_ADDRESSES_TABLE} w WHERE w.rescan_id = r.rescan_id) AS addresses
       FROM ${RESCANS_TABLE} r WHERE r.finished_at IS NULL ORDER BY r.next_height DESC, r.rescan_id`,
  );
  return rows.map((r) => ({
    rescanId: Number(r.rescan_id),
    fromHeight: r.from_height,
    nextHeight: r.next_height,
    blocksScanned: Number(r.blocks_scanned),
    startedAt: r.started_at,
    addresses: r.addresses,
  }));
}
