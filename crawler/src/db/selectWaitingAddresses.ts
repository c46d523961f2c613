import type { Executor } from '#shared/db/pool.js';
import { WATCHED_ADDRESSES_TABLE } from './tables.js';

export interface WaitingAddress {
  address: string;
  userId: string;
  scriptPubKey: Buffer;
  /** The first block height it must be matched in. */
  fromHeight: number;
  /** Its writer asked for its history: AddressRescanned announces the end. */
  rescanRequested: boolean;
}

/** A watched_addresses row as placement and rescans read it. */
export interface WaitingRow {
  address: string;
  user_id: string;
  script_pubkey: Buffer;
  from_height: number;
  rescan_requested: boolean;
}

export const WAITING_COLUMNS = 'address, user_id, script_pubkey, from_height, rescan_requested';

export const toWaitingAddress = (r: WaitingRow): WaitingAddress => ({
  address: r.address,
  userId: r.user_id,
  scriptPubKey: r.script_pubkey,
  fromHeight: r.from_height,
  rescanRequested: r.rescan_requested,
});

/**
 * Registered addresses the crawler has not placed yet (neither matched live nor in a
 * rescan), locked until the caller's transaction ends; at most `limit`, lowest
 * from_height first (the partial index of migration 0107).
 */
export async function selectWaitingAddresses(tx: Executor, limit: number): Promise<WaitingAddress[]> {
  const { rows } = await tx.query<WaitingRow>(
    `SELECT ${WAITING_COLUMNS} FROM ${WATCHED_ADDRESSES_TABLE}
      WHERE joined_height IS NULL AND rescan_id IS NULL
      ORDER BY from_height LIMIT $1 FOR UPDATE`,
    [limit],
  );
  return rows.map(toWaitingAddress);
}
