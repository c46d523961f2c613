import type { Executor } from '#shared/db/pool.js';
import type { WaitingAddress } from './selectWaitingAddresses.js';
import { WATCHED_ADDRESSES_TABLE } from './tables.js';

/** The addresses a rescan is for. */
export async function selectRescanAddresses(ex: Executor, rescanId: number): Promise<WaitingAddress[]> {
  const { rows } = await ex.query<{
    address: string;
    user_id: string;
    script_pubkey: Buffer;
    from_height: number;
    rescan_requested: boolean;
  }>(
    `SELECT address, user_id, script_pubkey, from_height, rescan_requested
       FROM ${WATCHED_ADDRESSES_TABLE} WHERE rescan_id = $1`,
    [rescanId],
  );
  return rows.map((r) => ({
    address: r.address,
    userId: r.user_id,
    scriptPubKey: r.script_pubkey,
    fromHeight: r.from_height,
    rescanRequested: r.rescan_requested,
  }));
}
