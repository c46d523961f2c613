import { createHash } from 'node:crypto';
import { address, crypto, payments, script, Transaction } from 'bitcoinjs-lib';
import * as ecc from 'tiny-secp256k1';

/**
 * The benchmarks' own key: its P2WPKH outputs ("lanes") are coins the benches spend
 * with transactions they sign themselves, thousands at a time, without a wallet.
 */
const sha256 = (text: string) => createHash('sha256').update(text).digest();
const lanePrivateKey = sha256('forkline-bench-lane-key');
const lanePublicKey = ecc.pointFromScalar(lanePrivateKey, true)!;
const laneHash = crypto.hash160(lanePublicKey);
export const laneScript = payments.p2wpkh({ hash: laneHash }).output!;
export const laneAddress = address.toBech32(laneHash, 0, 'bcrt');
// BIP 143: a P2WPKH input is signed over the P2PKH script of its key hash.
const laneScriptCode = payments.p2pkh({ hash: laneHash }).output!;

export interface Coin {
  txid: Uint8Array; // internal byte order
  vout: number;
  value: bigint;
}

/** A transaction spending one lane coin to these outputs, signed with the lane key. */
export function signedByLane(input: Coin, outputs: [Uint8Array, bigint][]): Transaction {
  const tx = new Transaction();
  tx.version = 2;
  tx.addInput(input.txid, input.vout);
  for (const [s, v] of outputs) tx.addOutput(s, v);
  const hash = tx.hashForWitnessV0(0, laneScriptCode, input.value, Transaction.SIGHASH_ALL);
  tx.setWitness(0, [
    script.signature.encode(ecc.sign(hash, lanePrivateKey), Transaction.SIGHASH_ALL),
    lanePublicKey,
  ]);
  return tx;
}

export const coinOf = (tx: Transaction, vout: number): Coin => ({
  txid: tx.getHash(),
  vout,
  value: tx.outs[vout]!.value,
});
