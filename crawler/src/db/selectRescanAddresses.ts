import type { Executor } from '#shared/db/pool.js';
import {
  toWaitingAddress,
  WAITING_COLUMNS,
  type WaitingAddress,
  type WaitingRow,
} from './selectWaitingAddresses.js';
import { WATCHED_ADDRESSES_TABLE } from './tables.js';

/** The addresses a rescan is for. */
export async function selectRescanAddresses(ex: Executor, rescanId: number): Promise<WaitingAddress[]> {
  const { rows } = await ex.query<WaitingRow>(
    `SELECT ${WAITING_COLUMNS} FROM ${WATCHED_ADDRESSES_TABLE} WHERE rescan_id = $1`,
    [rescanId],
  );
  return rows.map(toWaitingAddress);
}
