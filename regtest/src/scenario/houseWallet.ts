import { btcToSats } from '#shared/bitcoin/btcSats.js';
import type { RegtestNode } from '#shared/testing/regtestNode.js';

/** The node wallet the trading service pays buys from and receives sells into. */
export const HOUSE_WALLET = 'forkline-house';

/**
 * Makes sure the house wallet exists and holds at least `minBtc` confirmed: the miner's
 * wallet pays it the difference and a block confirms it. Returns what it holds then.
 */
export async function fundHouse(node: RegtestNode, minBtc: number): Promise<{ btc: number; txid?: string }> {
  await node.ensureWallet(HOUSE_WALLET);
  const house = <T>(method: string, params: unknown[] = []) =>
    node.rpc.call<T>(method, params, { wallet: HOUSE_WALLET });
  const before = (await house<{ mine: { trusted: number } }>('getbalances')).mine.trusted;
  if (btcToSats(before) >= btcToSats(minBtc)) return { btc: before };
  const missing = (btcToSats(minBtc) - btcToSats(before)) / 1e8;
  await node.ensureFunds(missing + 1);
  const txid = await node.send(await house<string>('getnewaddress', ['funding', 'bech32']), missing);
  await node.mine(1);
  return { btc: (await house<{ mine: { trusted: number } }>('getbalances')).mine.trusted, txid };
}
