import { btcToSats } from '../bitcoin/btcSats.js';
import type { TxOutput } from './decodeWithPrevouts.js';

/** A mempool transaction, every input with the output it spends. */
export interface DecodedMempoolTx {
  txid: string;
  vin: { prevout: TxOutput }[];
  vout: TxOutput[];
}

export interface UserPending {
  /** What the user's balance would change by once every mempool transaction touching them is mined. */
  pendingSats: number;
  /** Those transactions, sorted. */
  txids: string[];
}

/**
 * Per user, the net of the mempool transactions touching their scripts: for each, the
 * outputs paying them minus the prevouts of the inputs spending from them. Every user
 * of `ownerOfScript` (scriptPubKey hex → userId) is in the answer, with 0 and no txids
 * when the mempool does not touch them.
 */
export function pendingByUser(
  txs: readonly DecodedMempoolTx[],
  ownerOfScript: ReadonlyMap<string, string>,
): Map<string, UserPending> {
  const byUser = new Map<string, UserPending>();
  for (const user of ownerOfScript.values()) byUser.set(user, { pendingSats: 0, txids: [] });
  for (const tx of txs) {
    const net = new Map<string, number>();
    const add = (script: string, sats: number) => {
      const user = ownerOfScript.get(script);
      if (user !== undefined) net.set(user, (net.get(user) ?? 0) + sats);
    };
    for (const output of tx.vout) add(output.scriptPubKey.hex, btcToSats(output.value));
    for (const input of tx.vin) add(input.prevout.scriptPubKey.hex, -btcToSats(input.prevout.value));
    for (const [user, sats] of net) {
      const pending = byUser.get(user)!;
      pending.pendingSats += sats;
      pending.txids.push(tx.txid);
    }
  }
  for (const pending of byUser.values()) pending.txids.sort();
  return byUser;
}
