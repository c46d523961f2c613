/** Bitcoin Core's RPC speaks BTC as decimal numbers; forkline counts integer satoshis. */
export const btcToSats = (btc: number): number => Math.round(btc * 1e8);

/** Satoshis as the 8-decimal BTC string the RPC accepts exactly (no float noise). */
export const satsToBtc = (sats: number): string => (sats / 1e8).toFixed(8);
