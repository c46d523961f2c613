import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { address, crypto, payments, script, Transaction } from 'bitcoinjs-lib';
import * as ecc from 'tiny-secp256k1';
import type { RpcClient } from '#shared/bitcoind/rpcClient.js';

/**
 * The benchmark chain: 101 blocks for a mature coinbase, one fan-out transaction
 * creating LANES outputs, then BLOCKS blocks of one transaction per lane, each spending
 * its lane's previous output. Every PAY_EVERY-th transaction also pays a watched
 * script (watchedScript(k), k cycling below PAID_SCRIPTS), so a few percent of the
 * watched scripts are touched. Everything is derived from fixed seeds: the same build
 * gives the same scripts, and a cached chain is recognised by its manifest.
 */
export const LANES = 1_000;
export const PAY_EVERY = 67;
export const PAID_SCRIPTS = 3_000;
const PAY_SATS = 10_000n;
const FEE_SATS = 300n;
const MANIFEST_VERSION = 1;

export interface ChainManifest {
  version: number;
  lanes: number;
  blocks: number;
  /** Height of the first lane block: where the crawler starts. */
  firstHeight: number;
  tipHeight: number;
  tipHash: string;
}

const sha256 = (text: string) => createHash('sha256').update(text).digest();

/** The P2WPKH script of watched index `i` (a random-looking 20-byte hash, no key behind it). */
export function watchedScript(i: number): { script: Buffer; address: string } {
  const hash = sha256(`forkline-bench-watch-${i}`).subarray(0, 20);
  return {
    script: Buffer.concat([Buffer.from([0x00, 0x14]), hash]),
    address: address.toBech32(hash, 0, 'bcrt'),
  };
}

const lanePrivateKey = sha256('forkline-bench-lane-key');
const lanePublicKey = ecc.pointFromScalar(lanePrivateKey, true)!;
const laneHash = crypto.hash160(lanePublicKey);
const laneScript = payments.p2wpkh({ hash: laneHash }).output!;
const laneAddress = address.toBech32(laneHash, 0, 'bcrt');
// BIP 143: a P2WPKH input is signed over the P2PKH script of its key hash.
const laneScriptCode = payments.p2pkh({ hash: laneHash }).output!;

interface Coin {
  txid: Uint8Array; // internal byte order
  vout: number;
  value: bigint;
}

function signed(inputs: Coin, outputs: [Uint8Array, bigint][]): Transaction {
  const tx = new Transaction();
  tx.version = 2;
  tx.addInput(inputs.txid, inputs.vout);
  for (const [s, v] of outputs) tx.addOutput(s, v);
  const hash = tx.hashForWitnessV0(0, laneScriptCode, inputs.value, Transaction.SIGHASH_ALL);
  tx.setWitness(0, [
    script.signature.encode(ecc.sign(hash, lanePrivateKey), Transaction.SIGHASH_ALL),
    lanePublicKey,
  ]);
  return tx;
}

const coinOf = (tx: Transaction, vout: number): Coin => ({
  txid: tx.getHash(),
  vout,
  value: tx.outs[vout]!.value,
});

/** The manifest of the cached chain, if one was completed. */
export function readManifest(path: string): ChainManifest | undefined {
  if (!existsSync(path)) return undefined;
  const m = JSON.parse(readFileSync(path, 'utf8')) as ChainManifest;
  return m.version === MANIFEST_VERSION && m.lanes === LANES ? m : undefined;
}

/** True when the node holds the manifest's chain with at least `blocks` lane blocks. */
export async function nodeHasChain(rpc: RpcClient, m: ChainManifest | undefined, blocks: number) {
  if (!m || m.blocks < blocks) return false;
  const hash = await rpc.getBlockHash(m.tipHeight).catch(() => undefined);
  return hash === m.tipHash;
}

/** Builds the chain on an empty regtest node; returns (and writes) its manifest. */
export async function buildChain(
  rpc: RpcClient,
  blocks: number,
  manifestPath: string,
): Promise<ChainManifest> {
  const started = performance.now();
  if ((await rpc.getBlockchainInfo()).blocks !== 0) throw new Error('the bench node must start empty');
  const [first] = await rpc.call<string[]>('generatetoaddress', [101, laneAddress]);
  const coinbase = Transaction.fromHex(
    (await rpc.call<{ tx: { hex: string }[] }>('getblock', [first, 2])).tx[0]!.hex,
  );
  const laneValue = (coinbase.outs[0]!.value - 100_000n) / BigInt(LANES);
  const fanOut = signed(
    coinOf(coinbase, 0),
    Array.from({ length: LANES }, () => [laneScript, laneValue]),
  );
  await rpc.call('generateblock', [laneAddress, [fanOut.toHex()]]);
  const lanes = Array.from({ length: LANES }, (_, l) => coinOf(fanOut, l));
  let paid = 0;
  let submitted: Promise<unknown> = Promise.resolve();
  for (let b = 0; b < blocks; b++) {
    // Sign block b while the node validates block b - 1: its txids are known already.
    const hexes: string[] = [];
    for (let l = 0; l < LANES; l++) {
      const coin = lanes[l]!;
      const pays = (b * LANES + l) % PAY_EVERY === 0;
      const outputs: [Uint8Array, bigint][] = [[laneScript, coin.value - FEE_SATS - (pays ? PAY_SATS : 0n)]];
      if (pays) outputs.push([watchedScript(paid++ % PAID_SCRIPTS).script, PAY_SATS]);
      const tx = signed(coin, outputs);
      hexes.push(tx.toHex());
      lanes[l] = coinOf(tx, 0);
    }
    await submitted;
    submitted = rpc.call('generateblock', [laneAddress, hexes]);
    if ((b + 1) % 25 === 0) {
      console.log(
        `  built ${b + 1}/${blocks} blocks (${Math.round((performance.now() - started) / 1000)} s)`,
      );
    }
  }
  await submitted;
  const info = await rpc.getBlockchainInfo();
  const manifest: ChainManifest = {
    version: MANIFEST_VERSION,
    lanes: LANES,
    blocks,
    firstHeight: info.blocks - blocks + 1,
    tipHeight: info.blocks,
    tipHash: info.bestblockhash,
  };
  writeFileSync(manifestPath, JSON.stringify(manifest, null, 2));
  return manifest;
}
