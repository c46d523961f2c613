import type { DerivedAddress } from '../../bitcoin/descriptors/deriveAddresses.js';
import type { WalletDescriptor } from '../../bitcoin/descriptors/walletDescriptor.js';
import type { Executor } from '../../db/pool.js';
import type { AddressAdded } from '../../events/types.js';
import { descriptorAddressType } from '../descriptorAddressType.js';

export interface DerivedWindow {
  descriptorId: string;
  userId: string;
  descriptorType: WalletDescriptor['type'];
  /** 0: receive (/0/*), 1: change (/1/*). */
  branch: 0 | 1;
  /** The window's addresses (deriveAddresses), derived before the transaction takes locks. */
  derived: readonly DerivedAddress[];
  /** Matched from this height: its history is rescanned when below the crawler's tip. */
  fromHeight: number;
  rescanRequested: boolean;
}

/**
 * Watches a window of a descriptor's addresses, inside the caller's transaction (the BFF
 * registering a wallet, the crawler extending one): watched_addresses rows naming the
 * descriptor, branch and index (their insert trigger records the height each is matched
 * from and wakes the crawler), and the AddressAdded event of each, for the caller to
 * append to the user's stream. `taken`: addresses of the window another row watches
 * already (another wallet's, or an address registered alone), left as they are.
 */
export async function watchDerivedAddresses(
  tx: Executor,
  w: DerivedWindow,
): Promise<{ events: AddressAdded[]; taken: string[] }> {
  const { derived } = w;
  if (derived.length === 0) return { events: [], taken: [] };
  const addressType = descriptorAddressType[w.descriptorType];
  const { rows } = await tx.query<{ address: string; from_height: number }>(
    `INSERT INTO watched_addresses
            (address, user_id, script_pubkey, address_type, from_height, rescan_requested, descriptor_id, branch, derivation_index)
     SELECT a.address, $2, a.script, $3, $4, $5, $6, $7, a.index
       FROM unnest($1::text[], $8::bytea[], $9::int[]) AS a (address, script, index)
     ON CONFLICT DO NOTHING
     RETURNING address, from_height`,
    [
      derived.map((d) => d.address),
      w.userId,
      addressType,
      w.fromHeight,
      w.rescanRequested,
      w.descriptorId,
      w.branch,
      derived.map((d) => d.scriptPubKey),
      derived.map((d) => d.index),
    ],
  );
  const inserted = new Map(rows.map((r) => [r.address, r.from_height]));
  const events: AddressAdded[] = [];
  const taken: string[] = [];
  for (const d of derived) {
    const fromHeight = inserted.get(d.address);
    if (fromHeight === undefined) {
      taken.push(d.address);
      continue;
    }
    events.push({
      type: 'AddressAdded',
      payload: {
        userId: w.userId,
        address: d.address,
        scriptPubKey: d.scriptPubKey.toString('hex'),
        addressType,
        ...(w.rescanRequested && { rescanFromHeight: fromHeight }),
      },
    });
  }
  return { events, taken };
}
