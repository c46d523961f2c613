import { Transaction } from 'bitcoinjs-lib';
import { addressToScript } from '#shared/bitcoin/addressToScript.js';
import { btcToSats, satsToBtc } from '#shared/bitcoin/btcSats.js';
import type { RegtestNode } from '#shared/testing/regtestNode.js';
import type { Outpoint } from '../matching/types.js';

export interface WalletUtxo extends Outpoint {
  address: string;
  sats: number;
  confirmations: number;
}

/** The node wallet's UTXOs at these addresses (unconfirmed included). */
export async function utxosOf(node: RegtestNode, addresses: string[]): Promise<WalletUtxo[]> {
  // listunspent reads an empty list as "every address".
  if (addresses.length === 0) return [];
  const list = await node.walletCall<
    { txid: string; vout: number; address: string; amount: number; confirmations: number }[]
  >('listunspent', [0, 9_999_999, addresses]);
  return list.map((u) => ({
    txid: u.txid,
    vout: u.vout,
    address: u.address,
    sats: btcToSats(u.amount),
    confirmations: u.confirmations,
  }));
}

/** Signs raw hex with the node wallet; returns the signed hex. */
async function sign(node: RegtestNode, hex: string): Promise<string> {
  const signed = await node.walletCall<{ hex: string; complete: boolean }>('signrawtransactionwithwallet', [
    hex,
  ]);
  if (!signed.complete) throw new Error('the wallet could not sign the transaction');
  return signed.hex;
}

/**
 * Spends exactly these inputs to these outputs (distinct addresses, amounts in sats;
 * whatever is left is the fee). Returns the txid once in the mempool.
 */
export async function spend(
  node: RegtestNode,
  inputs: Outpoint[],
  outputs: Record<string, number>,
): Promise<string> {
  const hex = await node.rpc.call<string>('createrawtransaction', [
    inputs.map((i) => ({ txid: i.txid, vout: i.vout })),
    Object.fromEntries(Object.entries(outputs).map(([a, sats]) => [a, satsToBtc(sats)])),
  ]);
  return node.rpc.call<string>('sendrawtransaction', [await sign(node, hex)]);
}

/**
 * Pays a list of outputs — the same address may appear several times, which sendmany
 * refuses — funded and signed by the node wallet. Returns the txid.
 */
export async function payOutputs(
  node: RegtestNode,
  outputs: { address: string; sats: number }[],
): Promise<string> {
  const tx = new Transaction();
  tx.version = 2;
  for (const o of outputs) {
    const parsed = addressToScript(o.address, 'regtest');
    if (!parsed.ok) throw new Error(parsed.message);
    tx.addOutput(parsed.scriptPubKey, BigInt(o.sats));
  }
  const funded = await node.walletCall<{ hex: string }>('fundrawtransaction', [tx.toHex(), {}, false]);
  return node.rpc.call<string>('sendrawtransaction', [await sign(node, funded.hex)]);
}

/**
 * Runs a funding payment with the coins at these (customer) addresses locked: the node
 * wallet holds the customers' keys too, and its coin selection would otherwise be free
 * to spend a customer's coin, changing that customer's delta for the payment.
 */
export async function withCoinsLocked<T>(
  node: RegtestNode,
  addresses: string[],
  pay: () => Promise<T>,
): Promise<T> {
  const locked = (await utxosOf(node, addresses)).map((u) => ({ txid: u.txid, vout: u.vout }));
  if (locked.length > 0) await node.walletCall('lockunspent', [false, locked]);
  try {
    return await pay();
  } finally {
    if (locked.length > 0) await node.walletCall('lockunspent', [true, locked]);
  }
}
