export interface Coin {
  txid: string;
  vout: number;
  sats: number;
  confirmed: boolean;
}

/**
 * A sell's coins: largest first, confirmed before unconfirmed, until `targetSats` is
 * covered — all of them when it never is (the wallet then decides whether the actual
 * fee still fits). Deterministic for the same coins.
 */
export function pickCoins<C extends Coin>(coins: C[], targetSats: number): C[] {
  const ordered = [...coins].sort(
    (a, b) =>
      Number(b.confirmed) - Number(a.confirmed) ||
      b.sats - a.sats ||
      (a.txid < b.txid ? -1 : a.txid > b.txid ? 1 : 0) ||
      a.vout - b.vout,
  );
  const picked: C[] = [];
  let sum = 0;
  for (const coin of ordered) {
    if (sum >= targetSats) break;
    picked.push(coin);
    sum += coin.sats;
  }
  return picked;
}
