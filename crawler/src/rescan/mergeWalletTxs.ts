import { userStream } from '#shared/events/streams.js';
import type { ForklineEvent } from '#shared/events/types.js';
import type { StoredWalletTx } from '../db/selectWalletTxs.js';
import type { RescanWalletTx } from './matchRescanChunk.js';

export interface MergedWalletTxs {
  inserted: RescanWalletTx[];
  /** Stored ones with the rescan's part added: the whole transaction for the user. */
  updated: RescanWalletTx[];
  /** By user stream, in block order: what the read side applies. */
  events: Map<string, ForklineEvent[]>;
}

const keyOf = (w: { blockHash: string; userId: string; txid: string }) =>
  `${w.blockHash}:${w.userId}:${w.txid}`;

/**
 * A rescan's wallet transactions against those stored for the same (block, user, txid).
 * New ones get their TxConfirmed, as live matching would have written it. A transaction
 * that also touched the user's live addresses is stored already with their part only: the
 * rescan's part is added (what its outputs paid anyone else shrinks by what the rescan's
 * addresses received), and the read side is told with the exact opposite of the stored
 * event (TxReverted) followed by the whole one (TxConfirmed), so balances move by the
 * difference and the activity ends confirmed with the whole amount.
 */
export function mergeWalletTxs(
  found: readonly RescanWalletTx[],
  stored: readonly StoredWalletTx[],
): MergedWalletTxs {
  const byKey = new Map(stored.map((s) => [keyOf(s), s]));
  const inserted: RescanWalletTx[] = [];
  const updated: RescanWalletTx[] = [];
  const events = new Map<string, ForklineEvent[]>();
  const push = (userId: string, event: ForklineEvent) => {
    const stream = userStream(userId);
    const list = events.get(stream) ?? [];
    list.push(event);
    events.set(stream, list);
  };
  for (const w of found) {
    const before = byKey.get(keyOf(w));
    let whole = w;
    if (before) {
      const receivedSats = before.receivedSats + w.receivedSats;
      const sentSats = before.sentSats + w.sentSats;
      whole = {
        ...w,
        receivedSats,
        sentSats,
        deltaSats: receivedSats - sentSats,
        paidToOthersSats: Math.max(0, w.paidToOthersSats - before.receivedSats),
        addresses: [...new Set([...before.addresses, ...w.addresses])].sort(),
      };
      updated.push(whole);
      const storedDelta = before.receivedSats - before.sentSats;
      push(w.userId, {
        type: 'TxReverted',
        payload: {
          txid: w.txid,
          blockHash: w.blockHash,
          height: w.height,
          deltaSats: storedDelta === 0 ? 0 : -storedDelta,
        },
      });
    } else {
      inserted.push(w);
    }
    push(w.userId, {
      type: 'TxConfirmed',
      payload: {
        txid: w.txid,
        blockHash: w.blockHash,
        height: w.height,
        deltaSats: whole.deltaSats,
        receivedSats: whole.receivedSats,
        sentSats: whole.sentSats,
        paidToOthersSats: whole.paidToOthersSats,
        addresses: whole.addresses,
        ...(w.coinbase && { coinbase: true }),
      },
    });
  }
  return { inserted, updated, events };
}
