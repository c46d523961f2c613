/**
 * Chainwork as bitcoind writes it (getblockheader, getblockchaininfo) and crawler_blocks
 * stores it: 64 hex digits. Compared as numbers, never as text or floats.
 */
export function parseChainwork(hex: string): bigint {
  if (!/^[0-9a-f]{1,64}$/i.test(hex)) throw new Error(`not a chainwork: ${JSON.stringify(hex)}`);
  return BigInt(`0x${hex}`);
}

export function formatChainwork(work: bigint): string {
  return work.toString(16).padStart(64, '0');
}
