import type { Transaction } from 'bitcoinjs-lib';
import type { Outpoint, OwnedOutput, WalletTx, WatchLookup } from '../matching/types.js';
import { createTxTally } from '../matching/walletTxs.js';

export interface MempoolMatch {
  /** One per user it touches; empty when it touches nobody. */
  walletTxs: WalletTx[];
  /** Its outputs paying watched scripts. */
  outputs: OwnedOutput[];
  inputs: Outpoint[];
  /** BIP 125 signalled by one of its own inputs. */
  signalsRbf: boolean;
}

/** A txid (or prevout hash) in display order. */
export const displayTxid = (hash: Uint8Array): string => Buffer.from(hash).reverse().toString('hex');

/**
 * Matches one mempool transaction the way a block's transactions are matched: outputs by
 * script against the watched scripts, inputs against `prevout` — our confirmed unspent
 * outputs and the outputs of our other pending transactions, so an unconfirmed chain is
 * seen whole when parents are matched before children.
 */
export function matchMempoolTx(
  tx: Transaction,
  txid: string,
  watch: WatchLookup,
  prevout: (txid: string, vout: number) => OwnedOutput | undefined,
): MempoolMatch {
  const tally = createTxTally(txid);
  const inputs: Outpoint[] = [];
  let signalsRbf = false;
  for (const input of tx.ins) {
    const spent = { txid: displayTxid(input.hash), vout: input.index };
    inputs.push(spent);
    if (input.sequence < 0xffff_fffe) signalsRbf = true;
    const owned = prevout(spent.txid, spent.vout);
    if (owned) tally.sent(owned.userId, owned.address, owned.valueSats);
  }
  const outputs: OwnedOutput[] = [];
  let outputsSats = 0;
  tx.outs.forEach((out, vout) => {
    const valueSats = Number(out.value);
    outputsSats += valueSats;
    const owner = watch.get(Buffer.from(out.script).toString('hex'));
    if (!owner) return;
    outputs.push({ txid, vout, userId: owner.userId, address: owner.address, valueSats });
    tally.received(owner.userId, owner.address, valueSats);
  });
  return { walletTxs: tally.walletTxs(outputsSats), outputs, inputs, signalsRbf };
}
