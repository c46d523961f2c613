import { Transaction } from 'bitcoinjs-lib';
import { createRpcClient, type RpcClient } from '#shared/bitcoind/rpcClient.js';
import type { RpcScanTxOutSet } from '#shared/bitcoind/rpcTypes.js';
import { blocksToFund, regtestRewardSats } from './regtestReward.js';

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

    /** Loads the named wallet, creating it the first time (loaded again when the node restarts). */
    async ensureWallet(name: string): Promise<void> {
      const loaded = await rpc.call<string[]>('listwallets');
      if (loaded.includes(name)) return;
      const onDisk = await rpc.call<{ wallets: { name: string }[] }>('listwalletdir');
      if (onDisk.wallets.some((w) => w.name === name)) await rpc.call('loadwallet', [name, true]);
      else await rpc.call('createwallet', [name, false, false, '', false, true, true]);
    },

    /**
     * Makes sure the wallet has `minBtc` of mature coins to spend, mining as many blocks as
     * that takes (101 on a fresh chain). Fails with the way out when mining cannot do it.
     */
    async ensureFunds(minBtc = 50): Promise<void> {
      const { mine: coins } = await walletCall<{ mine: { trusted: number; immature: number } }>(
        'getbalances',
      );
      if (coins.trusted >= minBtc) return;
      const height = await node.height();
      const blocks = blocksToFund(height, btcToSats(minBtc - coins.trusted), btcToSats(coins.immature));
      if (blocks !== undefined) {
        await node.mine(blocks);
        const after = await walletCall<number>('getbalance');
        if (after >= minBtc) return;
      }
      throw new Error(
        `the node's wallet "${wallet}" has ${coins.trusted} BTC to spend, less than the ${minBtc} BTC needed, ` +
          `and mining cannot make up for it: at height ${height} a regtest block pays ` +
          `${satsToBtc(regtestRewardSats(height + 1))} BTC (the reward halves every 150 blocks). ` +
          `Start over on a fresh chain with \`make reset\` (it also empties the databases).`,
      );
    },

    /** Sends from the node's wallet; returns the txid. */
    send: async (address: string, btc: number) =>
      node.expectInMempool(await walletCall<string>('sendtoaddress', [address, satsToBtc(btcToSats(btc))])),

    /** Sends to several addresses in one transaction; returns the txid. */
    sendMany: async (amounts: Record<string, number>) =>
      node.expectInMempool(
        await walletCall<string>('sendmany', [
          '',
          Object.fromEntries(Object.entries(amounts).map(([a, btc]) => [a, satsToBtc(btcToSats(btc))])),
        ]),
      ),

    /**
     * Returns `txid` once it is in the mempool (or mined). A wallet keeps, and returns the
     * txid of, a transaction the node's policy refused; this says so, with the node's
     * reason, instead of letting a later step fail on a transaction that never arrives.
     */
    async expectInMempool(txid: string, walletName = wallet): Promise<string> {
      const known = await rpc.call('getmempoolentry', [txid]).then(
        () => true,
        () => false,
      );
      if (known) return txid;
      const wtx = await rpc.call<{ hex: string; confirmations: number }>('gettransaction', [txid], {
        wallet: walletName,
      });
      if (wtx.confirmations > 0) return txid;
      const [verdict] = await rpc.call<{ allowed: boolean; 'reject-reason'?: string }[]>(
        'testmempoolaccept',
        [[wtx.hex]],
      );
      throw new Error(
        `wallet "${walletName}" made transaction ${txid}, but the node's mempool refused it: ` +
          `${verdict?.['reject-reason'] ?? (verdict?.allowed ? 'it is acceptable now' : 'no reason given')}`,
      );
    },

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
      const conflict = target ? await node.conflictingTx(target) : undefined;
      // The node drops from its mempool the disconnected transactions that spend a
      // coinbase which is immature on the shorter chain (the wallet spends fresh
      // coinbases all the time), so unless they are to be dropped they are collected
      // first and re-broadcast before each block of the new branch, until all are back.
      // A double-spent transaction and its descendants stay out.
      let pending = options.dropTxs ? [] : await node.transactionsOf([...disconnected].reverse());
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
        const accepted = await node.broadcast(pending);
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
      if (options.dropTxs) await node.abandonUnminable(disconnected);
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
      const signed = await walletCall<{ hex: string; complete: boolean }>('signrawtransactionwithwallet', [
        unsigned,
        prevtxs,
      ]);
      if (!signed.complete) throw new Error(`cannot double-spend ${txid}: its inputs are not the wallet's`);
      return signed.hex;
    },
  };
  return node;
}

export type RegtestNode = ReturnType<typeof createRegtestNode>;

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
