import type { ChainTip } from './chainSource.js';
import { formatChainwork } from './chainworkHex.js';

/** A tip as /status shows it: chainwork in hex, as bitcoind does (null: stored before 0105). */
export interface StatusTip extends ChainTip {
  chainwork: string | null;
}

export const statusTip = ({ hash, height, chainwork }: ChainTip & { chainwork?: bigint }): StatusTip => ({
  hash,
  height,
  chainwork: chainwork === undefined ? null : formatChainwork(chainwork),
});
