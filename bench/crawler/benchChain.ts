import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { address, Transaction } from 'bitcoinjs-lib';
import type { RpcClient } from '#shared/bitcoind/rpcClient.js';
import { coinOf, laneAddress, laneScript, signedByLane } from '../laneKey.js';

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
  const fanOut = signedByLane(
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
      const tx = signedByLane(coin, outputs);
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
