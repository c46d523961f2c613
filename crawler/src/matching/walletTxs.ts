import type { WalletTx } from './types.js';

/** Accumulates, for one transaction, what each touched user received and sent. */
export function createTxTally(txid: string) {
  const byUser = new Map<string, { received: number; sent: number; addresses: Set<string> }>();
  const entry = (userId: string) => {
    let e = byUser.get(userId);
    if (!e) byUser.set(userId, (e = { received: 0, sent: 0, addresses: new Set() }));
    return e;
  };
  return {
    received(userId: string, address: string, sats: number): void {
      const e = entry(userId);
      e.received += sats;
      e.addresses.add(address);
    },
    sent(userId: string, address: string, sats: number): void {
      const e = entry(userId);
      e.sent += sats;
      e.addresses.add(address);
    },
    get touched(): boolean {
      return byUser.size > 0;
    },
    /**
     * One WalletTx per touched user, by user id; delta = received − sent, and what the
     * transaction's outputs (worth `outputsSats` in all) paid to anyone but that user.
     */
    walletTxs(outputsSats: number): WalletTx[] {
      return [...byUser.entries()]
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([userId, e]) => ({
          userId,
          txid,
          receivedSats: e.received,
          sentSats: e.sent,
          deltaSats: e.received - e.sent,
          paidToOthersSats: outputsSats - e.received,
          addresses: [...e.addresses].sort(),
        }));
    },
  };
}
