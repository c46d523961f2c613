import type { Executor } from '#shared/db/pool.js';
import { ONLINE } from './tables.js';

interface OwnerRow {
  user_id: string;
  address: string;
}

export interface ScriptOwner {
  userId: string;
  address: string;
}

/** Who watches this script (by script, so two spellings of one address are one address). */
export async function findScriptOwner(ex: Executor, scriptPubKey: Buffer): Promise<ScriptOwner | undefined> {
  const { rows } = await ex.query<OwnerRow>(
    `SELECT user_id, address FROM ${ONLINE.watchedAddresses} WHERE script_pubkey = $1`,
    [scriptPubKey],
  );
  const row = rows[0];
  return row && { userId: row.user_id, address: row.address };
}
