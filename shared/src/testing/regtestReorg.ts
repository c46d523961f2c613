import { Transaction } from 'bitcoinjs-lib';
import { btcToSats, satsToBtc } from '../bitcoin/btcSats.js';
import type { RpcClient } from '../bitcoind/rpcClient.js';

/** What reorganising the chain needs of the regtest node's handle. */
export interface RegtestChain {
  rpc: RpcClient;
  walletCall<T>(method: string, params?: unknown[]): Promise<T>;
  height(): Promise<number>;
  newAddress(type: 'bech32', label: string): Promise<string>;
  mine(n: number, toAddress: string): Promise<string[]>;
  mineBlockWith(transactions: string[], toAddress: string): Promise<string>;
}

interface DecodedTx {
  txid: string;
  vin: { txid: string; vout: number }[];
  vout: { value: number; scriptPubKey: { hex: string } }[];
}

/**
 * Reorgs on demand (invalidating blocks and mining a longer branch, with the disconnected
 * transactions re-mined, dropped or double-spent) and the wallet chores they bring.
 */
export function regtestReorg(node: RegtestChain) {
  const rpc = node.rpc;
  const chain = {
    /**
     * Reorganises the chain: invalidates the block `depth` below the tip (so `depth`
     * blocks leave the main chain), then mines a longer branch of depth + 1 blocks.
     * - default: the disconnected transactions are re-broadcast and re-mined;
     * - dropTxs: the new branch is mined empty and they are not re-broadcast: they leave
     *   the chain (those the node put back in its mempool confirm with the next block
     *   mined; the wallet abandons the others);
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
      const target = options.doubleSpend;
      const conflict = target ? await chain.conflictingTx(target) : undefined;
      // The node drops from its mempool the disconnected transactions that spend a
      // coinbase which is immature on the shorter chain (the wallet spends fresh
      // coinbases all the time), so unless they are to be dropped they are collected
      // first and re-broadcast before each block of the new branch, until all are back.
      // A double-spent transaction and its descendants stay out.
      let pending = options.dropTxs ? [] : await chain.transactionsOf([...disconnected].reverse());
      if (target) pending = withoutDescendants(pending, target);
      await rpc.call('invalidateblock', [disconnected[disconnected.length - 1]]);
      const length = depth + 1 + (options.extraBlocks ?? 0);
      // A fresh coinbase address: mined within the same second with the same transactions,
      // a block paying the usual miner address can hash exactly like the one just
      // invalidated, and the node refuses it as duplicate-invalid.
      const to = await node.newAddress('bech32', 'reorg');
      const connected: string[] = [];
      let conflictPlaced = conflict === undefined;
      for (let i = 0; i < length; i++) {
        const accepted = await chain.broadcast(pending);
        pending = pending.filter((hex) => !accepted.includes(txidOf(hex)));
        if (options.dropTxs) {
          connected.push(await node.mineBlockWith([], to));
        } else if (conflict === undefined) {
          connected.push(...(await node.mine(1, to)));
        } else {
          // Blocks listed explicitly: the mempool may hold the double-spent original again.
          // The conflict goes in as soon as its inputs exist and are mature on this branch.
          let hash: string | undefined;
          if (!conflictPlaced) {
            hash = await node.mineBlockWith([...accepted, conflict], to).catch(() => undefined);
            conflictPlaced = hash !== undefined;
          }
          connected.push(hash ?? (await node.mineBlockWith(accepted, to)));
        }
      }
      if (!conflictPlaced) throw new Error(`could not confirm a double-spend of ${target} on the new branch`);
      if (options.dropTxs) await chain.abandonUnminable(disconnected);
      return { disconnected, connected };
    },

    /**
     * Abandons the wallets' transactions of these (disconnected) blocks that the node no
     * longer holds: the ones spending a coinbase the shorter chain made immature, and their
     * descendants. Left as they are, they would keep the coins they spend locked for good
     * and drain the wallet reorg after reorg. Those in the mempool are left alone; the node
     * refuses to abandon one that is confirmed again or is not that wallet's.
     */
    async abandonUnminable(blockHashes: string[]): Promise<void> {
      const wallets = await rpc.call<string[]>('listwallets');
      const mempool = new Set(await rpc.call<string[]>('getrawmempool'));
      for (const hash of blockHashes) {
        const block = await rpc.call<{ tx: string[] }>('getblock', [hash, 1]);
        for (const txid of block.tx.slice(1).filter((t) => !mempool.has(t))) {
          for (const name of wallets) {
            await rpc.call('abandontransaction', [txid], { wallet: name }).catch(() => undefined);
          }
        }
      }
    },

    /** The raw non-coinbase transactions of these blocks, in block order. */
    async transactionsOf(blockHashes: string[]): Promise<string[]> {
      const raw: string[] = [];
      for (const hash of blockHashes) {
        const block = await rpc.call<{ tx: { hex: string }[] }>('getblock', [hash, 2]);
        raw.push(...block.tx.slice(1).map((t) => t.hex));
      }
      return raw;
    },

    /**
     * Submits raw transactions to the mempool, as a wallet re-broadcasting would; ones the
     * node refuses (already known, or conflicting with the chain now) are skipped.
     */
    async broadcast(rawTxs: string[]): Promise<string[]> {
      const accepted: string[] = [];
      for (const hex of rawTxs) {
        try {
          accepted.push(await rpc.call<string>('sendrawtransaction', [hex]));
        } catch {
          // refused: no longer valid on this chain, or already in the mempool
        }
      }
      return accepted;
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
      const signed = await node.walletCall<{ hex: string; complete: boolean }>(
        'signrawtransactionwithwallet',
        [unsigned, prevtxs],
      );
      if (!signed.complete) throw new Error(`cannot double-spend ${txid}: its inputs are not the wallet's`);
      return signed.hex;
    },
  };
  return chain;
}

const txidOf = (hex: string): string => Transaction.fromHex(hex).getId();

/** The raw transactions minus `txid` and every transaction spending its outputs, transitively. */
function withoutDescendants(rawTxs: string[], txid: string): string[] {
  const excluded = new Set([txid]);
  return rawTxs.filter((hex) => {
    const tx = Transaction.fromHex(hex);
    const id = tx.getId();
    if (excluded.has(id) || tx.ins.some((i) => excluded.has(Buffer.from(i.hash).reverse().toString('hex')))) {
      excluded.add(id);
      return false;
    }
    return true;
  });
}
