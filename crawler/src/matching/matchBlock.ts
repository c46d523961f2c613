import type { Transaction } from 'bitcoinjs-lib';
import {
  outpointKey,
  type BlockMatch,
  type Outpoint,
  type OwnedOutput,
  type SpentOutput,
  type WatchLookup,
  type WalletTx,
} from './types.js';
import { createTxTally } from './walletTxs.js';

const hex = (bytes: Uint8Array): string =>
  Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');

/** A prevout's txid in display order (bitcoinjs keeps the internal, reversed byte order). */
export const prevoutTxid = (hash: Uint8Array): string => Buffer.from(hash).reverse().toString('hex');

/** The outpoints a block's transactions spend (coinbase inputs excluded): what to look up. */
export function spentOutpoints(txs: Transaction[]): Outpoint[] {
  const out: Outpoint[] = [];
  for (const tx of txs) {
    if (tx.isCoinbase()) continue;
    for (const input of tx.ins) out.push({ txid: prevoutTxid(input.hash), vout: input.index });
  }
  return out;
}

/**
 * Matches a block against the watched scripts, transaction by transaction in block
 * order: outputs by script bytes, inputs against our unspent outputs — those loaded for
 * this block (`prevouts`) plus those created earlier in the same block, so a chain of
 * transactions inside one block is seen whole.
 */
export function matchBlock(
  txs: Transaction[],
  watch: WatchLookup,
  prevouts: Iterable<OwnedOutput>,
): BlockMatch {
  const unspent = new Map<string, OwnedOutput>();
  for (const p of prevouts) unspent.set(outpointKey(p.txid, p.vout), p);
  const created: OwnedOutput[] = [];
  const spent: SpentOutput[] = [];
  const walletTxs: WalletTx[] = [];

  for (const tx of txs) {
    // The txid costs a double SHA-256: computed only for transactions that touch us.
    let txid: string | undefined;
    const id = () => (txid ??= tx.getId());
    let tally: ReturnType<typeof createTxTally> | undefined;

    if (!tx.isCoinbase() && unspent.size > 0) {
      for (const input of tx.ins) {
        const key = outpointKey(prevoutTxid(input.hash), input.index);
        const owned = unspent.get(key);
        if (!owned) continue;
        unspent.delete(key);
        spent.push({ txid: owned.txid, vout: owned.vout, spentTxid: id() });
        (tally ??= createTxTally(id())).sent(owned.userId, owned.address, owned.valueSats);
      }
    }
    tx.outs.forEach((output, vout) => {
      const owner = watch.get(hex(output.script));
      if (!owner) return;
      const valueSats = Number(output.value);
      const owned: OwnedOutput = {
        txid: id(),
        vout,
        userId: owner.userId,
        address: owner.address,
        valueSats,
      };
      created.push(owned);
      unspent.set(outpointKey(owned.txid, vout), owned);
      (tally ??= createTxTally(id())).received(owner.userId, owner.address, valueSats);
    });
    if (tally) walletTxs.push(...tally.walletTxs());
  }
  return { created, spent, walletTxs };
}
