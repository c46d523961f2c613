import type { PendingPart } from '../db/selectPendingParts.js';
import type { WalletTx } from '../matching/types.js';

/**
 * A pending transaction matched again after addresses joined, against its stored parts:
 * the users whose part is new (a joined address is theirs) or changed (their own joined
 * address adds to it). Each gets its TxPending again, whole; the others are unchanged.
 */
export function restatedParts(stored: readonly PendingPart[], walletTxs: readonly WalletTx[]): WalletTx[] {
  const before = new Map(stored.map((p) => [p.userId, p]));
  return walletTxs.filter((w) => {
    const p = before.get(w.userId);
    return !p || p.receivedSats !== w.receivedSats || p.sentSats !== w.sentSats;
  });
}
