import { address as bitcoinAddress } from 'bitcoinjs-lib';
import { addressToScript } from '#shared/bitcoin/addressToScript.js';
import { bitcoinNetwork, type NetworkName } from '#shared/bitcoin/networks.js';
import type { Pool } from '#shared/db/pool.js';
import { withTransaction } from '#shared/db/withTransaction.js';
import { userStream } from '#shared/events/streams.js';
import { appendToStream } from '#shared/outbox/appendToStream.js';
import { findScriptOwner } from '../db/findScriptOwner.js';
import { insertWatchedAddress } from '../db/insertWatchedAddress.js';
import { lockUser } from '../db/lockUser.js';

export type AddAddressOutcome =
  /** `fromHeight`: the first block it is matched in (its history from there when rescanned). */
  | { outcome: 'added'; address: string; fromHeight: number; rescan: boolean }
  /** The user already watches it: nothing written, the call is an idempotent retry. */
  | { outcome: 'alreadyOwned'; address: string }
  | { outcome: 'invalid'; code: 'INVALID_ADDRESS' | 'WRONG_NETWORK'; message: string }
  | { outcome: 'unknownUser' }
  | { outcome: 'taken' };

/**
 * Registers an address for a user: the watched_addresses row (whose trigger wakes the
 * crawler) and the AddressAdded event in one transaction, so the crawler and the read
 * side never disagree about which addresses a user has.
 */
export async function addAddress(
  online: Pool,
  network: NetworkName,
  userId: string,
  input: string,
  /** Its history from this height: the crawler rescans its stored blocks for it. */
  rescanFromHeight?: number,
): Promise<AddAddressOutcome> {
  const parsed = addressToScript(input, network);
  if (!parsed.ok) return { outcome: 'invalid', code: parsed.code, message: parsed.message };
  // One spelling per script (bech32 may arrive in upper case): the stored address is
  // the one the node would print, so lookups and events agree.
  const address = bitcoinAddress.fromOutputScript(parsed.scriptPubKey, bitcoinNetwork(network));

  return withTransaction(online, async (tx): Promise<AddAddressOutcome> => {
    if (!(await lockUser(tx, userId))) return { outcome: 'unknownUser' };
    const inserted = await insertWatchedAddress(tx, {
      address,
      userId,
      scriptPubKey: parsed.scriptPubKey,
      addressType: parsed.type,
      ...(rescanFromHeight !== undefined && { rescanFromHeight }),
    });
    if (!inserted) {
      const owner = await findScriptOwner(tx, parsed.scriptPubKey);
      return owner?.userId === userId ? { outcome: 'alreadyOwned', address } : { outcome: 'taken' };
    }
    await appendToStream(tx, userStream(userId), [
      {
        type: 'AddressAdded',
        payload: {
          userId,
          address,
          scriptPubKey: parsed.scriptPubKey.toString('hex'),
          addressType: parsed.type,
          ...(rescanFromHeight !== undefined && { rescanFromHeight: inserted.fromHeight }),
        },
      },
    ]);
    return {
      outcome: 'added',
      address,
      fromHeight: inserted.fromHeight,
      rescan: rescanFromHeight !== undefined,
    };
  });
}
