import { createRpcClient, type RpcClient } from '../../shared/src/bitcoind/rpcClient.js';
import type { RpcScanTxOutSet } from '../../shared/src/bitcoind/rpcTypes.js';

export type WalletAddressType = 'legacy' | 'p2sh-segwit' | 'bech32' | 'bech32m';

export const btcToSats = (btc: number): number => Math.round(btc * 1e8);
export const satsToBtc = (sats: number): string => (sats / 1e8).toFixed(8);

interface DecodedTx {
  txid: string;
  vin: { txid: string; vout: number }[];
  vout: { value: number; scriptPubKey: { hex: string } }[];
}

/**
 * The developer's and the tests' handle on the regtest node: mine, send, reorg, and
 * ask the node itself what addresses hold (the oracle forkline is checked against).
 */
export function createRegtestNode(rpcUrl: string, wallet = 'forkline') {
  const rpc: RpcClient = createRpcClient({ url: rpcUrl, timeoutMs: 120_000 });
  const walletCall = <T>(method: string, params: unknown[] = []) => rpc.call<T>(method, params, { wallet });

  let minerAddress: string | undefined;
  const miner = async () => (minerAddress ??= await walletCall<string>('getnewaddress', ['miner', 'bech32']));

  const node = {
    rpc,
    walletCall,
    height: async () => (await rpc.getBlockchainInfo()).blocks,
    bestHash: () => rpc.getBestBlockHash(),
    newAddress: (type: WalletAddressType = 'bech32', label = '') =>
      walletCall<string>('getnewaddress', [label, type]),

    /** Mines `n` blocks (with whatever the mempool holds) and returns their hashes. */
    async mine(n = 1, toAddress?: string): Promise<string[]> {
      return rpc.call<string[]>('generatetoaddress', [n, toAddress ?? (await miner())]);
    },

    /** Mines one block with exactly these transactions (txids in the mempool or raw hex). */
    async mineBlockWith(transactions: string[], toAddress?: string): Promise<string> {
      const { hash } = await rpc.call<{ hash: string }>('generateblock', [
        toAddress ?? (await miner()),
        transactions,
      ]);
      return hash;
    },

    /** Makes sure the wallet has mature coins to spend (mines 101 blocks the first time). */
    async ensureFunds(minBtc = 50): Promise<void> {
      const balance = await walletCall<number>('getbalance');
      if (balance >= minBtc) return;
      const needed = Math.ceil((minBtc - balance) / 25) + 100;
      await node.mine(Math.max(101, needed));
    },

    /** Sends from the node's wallet; returns the txid. */
    send: (address: string, btc: number) =>
      walletCall<string>('sendtoaddress', [address, satsToBtc(btcToSats(btc))]),

    /** Sends to several addresses in one transaction; returns the txid. */
    sendMany: (amounts: Record<string, number>) =>
      walletCall<string>('sendmany', [
        '',
        Object.fromEntries(Object.entries(amounts).map(([a, btc]) => [a, satsToBtc(btcToSats(btc))])),
      ]),

    /** What the node says these addresses hold in confirmed UTXOs, in satoshis. */
    async balanceOf(addresses: string[]): Promise<number> {
      if (addresses.length === 0) return 0;
      const scan = await rpc.call<RpcScanTxOutSet>('scantxoutset', [
        'start',
        addresses.map((a) => `addr(${a})`),
      ]);
      return scan.unspents.reduce((sum, u) => sum + btcToSats(u.amount), 0);
    },

    /**
     * Reorganises the chain: invalidates the block `depth` below the tip (so `depth`
     * blocks leave the main chain), then mines a longer branch of depth + 1 blocks.
     * - default: the disconnected transactions return to the mempool and are re-mined;
     * - dropTxs: the new branch is mined empty, so they leave the chain;
     * - doubleSpend: a conflicting transaction spending the same inputs confirms instead.
     * `extraBlocks` changes the new branch's length (-1 gives a branch of the same height
     * as the old one, which the node does not switch to on its own).
     */
    async reorg(
      depth: number,
      options: { dropTxs?: boolean; doubleSpend?: string; extraBlocks?: number } = {},
    ): Promise<{ disconnected: string[]; connected: string[] }> {
      const tip = await node.height();
      if (depth < 1 || depth > tip) throw new Error(`reorg depth must be between 1 and ${tip}`);
      const disconnected: string[] = [];
      for (let h = tip; h > tip - depth; h--) disconnected.push(await rpc.getBlockHash(h));
      let conflict: string | undefined;
      if (options.doubleSpend) conflict = await node.conflictingTx(options.doubleSpend);
      await rpc.call('invalidateblock', [disconnected[disconnected.length - 1]]);
      const length = depth + 1 + (options.extraBlocks ?? 0);
      // A fresh coinbase address: mined within the same second with the same transactions,
      // a block paying the usual miner address can hash exactly like the one just
      // invalidated, and the node refuses it as duplicate-invalid.
      const to = await node.newAddress('bech32', 'reorg');
      const connected: string[] = [];
      for (let i = 0; i < length; i++) {
        if (i === 0 && conflict) connected.push(await node.mineBlockWith([conflict], to));
        else if (options.dropTxs || conflict) connected.push(await node.mineBlockWith([], to));
        else connected.push(...(await node.mine(1, to)));
      }
      return { disconnected, connected };
    },

    /** Signs (but does not broadcast) a transaction spending the same inputs as `txid`, paying the wallet. */
    async conflictingTx(txid: string): Promise<string> {
      const raw = await rpc.call<string>('getrawtransaction', [txid]);
      const tx = await rpc.call<DecodedTx>('decoderawtransaction', [raw]);
      let inputSats = 0;
      // The inputs are spent already (by `txid`): the wallet cannot look them up in the
      // UTXO set, so the signer is told their scripts and amounts.
      const prevtxs: { txid: string; vout: number; scriptPubKey: string; amount: number }[] = [];
      for (const input of tx.vin) {
        const prev = await rpc.call<DecodedTx>('getrawtransaction', [input.txid, true]);
        const out = prev.vout[input.vout]!;
        inputSats += btcToSats(out.value);
        prevtxs.push({
          txid: input.txid,
          vout: input.vout,
          scriptPubKey: out.scriptPubKey.hex,
          amount: out.value,
        });
      }
      const to = await node.newAddress('bech32', 'double-spend');
      const outputSats = inputSats - 10_000;
      const unsigned = await rpc.call<string>('createrawtransaction', [
        tx.vin.map((i) => ({ txid: i.txid, vout: i.vout })),
        { [to]: satsToBtc(outputSats) },
      ]);
      const signed = await walletCall<{ hex: string; complete: boolean }>('signrawtransactionwithwallet', [
        unsigned,
        prevtxs,
      ]);
      if (!signed.complete) throw new Error(`cannot double-spend ${txid}: its inputs are not the wallet's`);
      return signed.hex;
    },

    /** Forgets earlier invalidateblock calls, so later tests start from the whole chain. */
    async reconsiderAll(hashes: string[]): Promise<void> {
      for (const h of hashes) await rpc.call('reconsiderblock', [h]);
    },
  };
  return node;
}

export type RegtestNode = ReturnType<typeof createRegtestNode>;
