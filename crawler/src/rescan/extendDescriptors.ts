import { deriveAddresses } from '#shared/bitcoin/descriptors/deriveAddresses.js';
import { parseDescriptor } from '#shared/bitcoin/descriptors/parseDescriptor.js';
import type { NetworkName } from '#shared/bitcoin/networks.js';
import type { Pool } from '#shared/db/pool.js';
import { withTransaction } from '#shared/db/withTransaction.js';
import { userStream } from '#shared/events/streams.js';
import type { ForklineEvent } from '#shared/events/types.js';
import type { Logger } from '#shared/logging/logger.js';
import { appendToManyStreams } from '#shared/outbox/appendToManyStreams.js';
import { watchDerivedAddresses } from '#shared/watch/db/watchDerivedAddresses.js';
import { lockChain } from '../db/lockChain.js';
import { selectShortDescriptors } from '../db/selectShortDescriptors.js';
import { updateDerived } from '../db/updateDerived.js';

/**
 * Extends the watched windows of the wallets whose highest used index moved (an output to
 * one of their addresses, in a block or the mempool: the trigger of migration 0108), so
 * that `gapLimit` unused addresses follow it on each branch. The new addresses are matched
 * from the height of the output that moved the mark — a wallet hands an address out only
 * after those before the gap are used — so below our tip that is a short rescan
 * (placeNewAddresses), which also finds a payment to one of them in the very block that
 * used the index: a block paying index 5 and 25 of a gap-20 wallet is seen whole, a
 * window at a time. Returns how many addresses it added.
 */
export async function extendDescriptors(pool: Pool, network: NetworkName, log: Logger): Promise<number> {
  return withTransaction(pool, async (tx) => {
    // The same lock as block writes: the used marks do not move under us.
    await lockChain(tx);
    const short = await selectShortDescriptors(tx);
    if (short.length === 0) return 0;
    const events = new Map<string, ForklineEvent[]>();
    let added = 0;
    for (const d of short) {
      const parsed = parseDescriptor(d.descriptor, network);
      if (!parsed.ok) {
        log.error(
          { descriptorId: d.descriptorId, reason: parsed.message },
          'a stored descriptor does not parse',
        );
        continue;
      }
      const derived: [number, number] = [...d.derived];
      for (const branch of [0, 1] as const) {
        const target = d.used[branch] + 1 + d.gapLimit;
        if (derived[branch] >= target) continue;
        const window = await watchDerivedAddresses(tx, {
          descriptorId: d.descriptorId,
          userId: d.userId,
          descriptorType: parsed.descriptor.type,
          branch,
          derived: deriveAddresses(parsed.descriptor, branch, derived[branch], target - derived[branch]),
          // Derived because of a use at that height: payments to them come from there on.
          fromHeight: Math.max(d.fromHeight, d.extendFromHeight ?? d.fromHeight),
          rescanRequested: true,
        });
        if (window.taken.length > 0) {
          log.warn(
            { descriptorId: d.descriptorId, taken: window.taken },
            'derived addresses watched already, left as they are',
          );
        }
        const stream = userStream(d.userId);
        events.set(stream, [...(events.get(stream) ?? []), ...window.events]);
        added += window.events.length;
        derived[branch] = target;
      }
      await updateDerived(tx, d.descriptorId, derived);
    }
    await appendToManyStreams(tx, events);
    if (added > 0) log.info({ wallets: short.length, added }, 'wallet windows extended');
    return added;
  });
}
