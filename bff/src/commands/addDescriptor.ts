import { randomUUID } from 'node:crypto';
import { deriveAddresses } from '#shared/bitcoin/descriptors/deriveAddresses.js';
import { parseDescriptor } from '#shared/bitcoin/descriptors/parseDescriptor.js';
import type { DescriptorRefusal } from '#shared/bitcoin/descriptors/descriptorRefusal.js';
import type { NetworkName } from '#shared/bitcoin/networks.js';
import type { Pool } from '#shared/db/pool.js';
import { withTransaction } from '#shared/db/withTransaction.js';
import { userStream } from '#shared/events/streams.js';
import { appendToStream } from '#shared/outbox/appendToStream.js';
import { watchDerivedAddresses } from '#shared/watch/db/watchDerivedAddresses.js';
import type { DescriptorRow } from '../db/descriptorRow.js';
import { findDescriptorByText } from '../db/findDescriptorByText.js';
import { insertDescriptor } from '../db/insertDescriptor.js';
import { selectNextHeight } from '../db/selectNextHeight.js';
import { lockUser } from '../db/lockUser.js';

export type AddDescriptorOutcome =
  | { outcome: 'added'; descriptor: DescriptorRow }
  /** The user registered it before: nothing written, the call is an idempotent retry. */
  | { outcome: 'alreadyOwned'; descriptor: DescriptorRow }
  | { outcome: 'invalid'; code: DescriptorRefusal['code']; message: string }
  | { outcome: 'unknownUser' }
  /** Another user has it, or one of its first addresses. */
  | { outcome: 'taken' };

/** Rolls the registration back when an address of the wallet is someone else's. */
class Taken extends Error {}

/**
 * Registers a wallet by its descriptor: the row, and the first `gapLimit` addresses of
 * its receive and change branches as watched addresses (each with its AddressAdded), in
 * one transaction. The crawler extends each window as payments arrive. Matched from the
 * next block, or from `rescanFromHeight` (its history: a rescan).
 */
export async function addDescriptor(
  online: Pool,
  network: NetworkName,
  userId: string,
  input: { descriptor: string; gapLimit: number; rescanFromHeight?: number },
): Promise<AddDescriptorOutcome> {
  const parsed = parseDescriptor(input.descriptor, network);
  if (!parsed.ok) return { outcome: 'invalid', code: parsed.code, message: parsed.message };
  const wallet = parsed.descriptor;
  // Derived before the transaction: it holds the chain lock (shared), which blocks wait for.
  const windows = ([0, 1] as const).map((branch) => deriveAddresses(wallet, branch, 0, input.gapLimit));
  try {
    return await withTransaction(online, async (tx): Promise<AddDescriptorOutcome> => {
      if (!(await lockUser(tx, userId))) return { outcome: 'unknownUser' };
      const existing = await findDescriptorByText(tx, wallet.canonical);
      if (existing) {
        return existing.userId === userId
          ? { outcome: 'alreadyOwned', descriptor: existing }
          : { outcome: 'taken' };
      }
      const next = await selectNextHeight(tx);
      const rescan = input.rescanFromHeight !== undefined;
      const row = {
        descriptorId: randomUUID(),
        userId,
        descriptor: wallet.canonical,
        gapLimit: input.gapLimit,
        fromHeight: rescan ? Math.min(input.rescanFromHeight!, next) : next,
        rescanRequested: rescan,
      };
      await insertDescriptor(tx, row);
      const events = [];
      for (const branch of [0, 1] as const) {
        const window = await watchDerivedAddresses(tx, {
          descriptorId: row.descriptorId,
          userId,
          descriptorType: wallet.type,
          branch,
          derived: windows[branch]!,
          fromHeight: row.fromHeight,
          rescanRequested: rescan,
        });
        if (window.taken.length > 0) throw new Taken();
        events.push(...window.events);
      }
      await appendToStream(tx, userStream(userId), events);
      return {
        outcome: 'added',
        descriptor: {
          ...row,
          derivedReceive: input.gapLimit,
          derivedChange: input.gapLimit,
          usedReceive: -1,
          usedChange: -1,
          addressesWaiting: 2 * input.gapLimit,
        },
      };
    });
  } catch (err) {
    if (err instanceof Taken) return { outcome: 'taken' };
    throw err;
  }
}
