/** Regtest's consensus: the block reward starts at 50 BTC and halves every 150 blocks. */
const INITIAL_REWARD_SATS = 50n * 100_000_000n;
const HALVING_INTERVAL = 150;
/** A coinbase output can be spent once its block has this many confirmations. */
const COINBASE_MATURITY_DEPTH = 101;

/** The block reward (subsidy, without fees) of the block at `height`, in sats. */
export function regtestRewardSats(height: number): number {
  const halvings = Math.floor(height / HALVING_INTERVAL);
  return halvings >= 64 ? 0 : Number(INITIAL_REWARD_SATS >> BigInt(halvings));
}

/**
 * How many blocks to mine on top of `tipHeight` so that `shortfallSats` more become
 * spendable: coins already maturing (`immatureSats`) count once they are deep enough, a
 * new block's reward once it is. Undefined when even `limit` blocks would not do, which
 * is where a long-used regtest chain ends up: its reward has halved away.
 */
export function blocksToFund(
  tipHeight: number,
  shortfallSats: number,
  immatureSats = 0,
  limit = 2_000,
): number | undefined {
  let spendable = immatureSats;
  // Mining k ≥ 101 blocks matures what is immature now and the first k - 100 new rewards.
  for (let k = COINBASE_MATURITY_DEPTH; k <= limit; k++) {
    spendable += regtestRewardSats(tipHeight + k - (COINBASE_MATURITY_DEPTH - 1));
    if (spendable >= shortfallSats) return k;
  }
  return undefined;
}
