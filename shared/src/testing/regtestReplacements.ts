import { btcToSats, satsToBtc } from '../bitcoin/btcSats.js';
import { RpcError, type RpcClient } from '../bitcoind/rpcClient.js';
import { decodeWithPrevouts } from './decodeWithPrevouts.js';
import { RegtestError } from './regtestError.js';

/** What replacing mempool transactions needs of the regtest node's handle. */
export interface RegtestWallet {
  rpc: RpcClient;
  walletCall<T>(method: string, params?: unknown[]): Promise<T>;
  expectInMempool(txid: string): Promise<string>;
}

interface MempoolEntry {
  vsize: number;
  fees: { modified: number; descendant: number };
}

/** Replacements of node-wallet transactions in the mempool: BIP125 fee bumps and full-RBF double-spends. */
export function regtestReplacements(node: RegtestWallet) {
  const rpc = node.rpc;

  /** The mempool entry of `txid`, or an error saying it has none (confirmed, replaced or unknown). */
  const mempoolEntry = (txid: string) =>
    rpc.call<MempoolEntry>('getmempoolentry', [txid]).catch((err: unknown) => {
      if (!(err instanceof RpcError && err.rpcCode === -5)) throw err;
      throw new RegtestError(
        `${txid} is not in the mempool (confirmed, replaced or unknown): only a pending transaction can be replaced`,
      );
    });

  return {
    /** Fee-bumps a node-wallet transaction (wallet `bumpfee`, BIP125); returns the replacement's txid. */
    async bumpFee(txid: string): Promise<string> {
      await mempoolEntry(txid);
      const { txid: bumped } = await node.walletCall<{ txid: string }>('bumpfee', [txid]);
      return node.expectInMempool(bumped);
    },

    /**
     * Double-spends a node-wallet transaction in the mempool (full RBF, no signalling
     * needed): a transaction spending the same inputs pays their whole value, minus a fee
     * that outbids the original, to `toAddress`. Returns the replacement's txid.
     */
    async replaceTx(txid: string, toAddress: string): Promise<string> {
      const entry = await mempoolEntry(txid);
      const original = await decodeWithPrevouts(rpc, txid);
      const inputs = original.vin.map((i) => ({ txid: i.txid, vout: i.vout }));
      const inputSats = original.vin.reduce((sum, i) => sum + btcToSats(i.prevout.value), 0);
      // The inputs are spent (by the original): the signer is told their scripts and amounts.
      const prevtxs = original.vin.map((i) => ({
        txid: i.txid,
        vout: i.vout,
        scriptPubKey: i.prevout.scriptPubKey.hex,
        amount: i.prevout.value,
      }));
      const sign = async (feeSats: number) => {
        const unsigned = await rpc.call<string>('createrawtransaction', [
          inputs,
          { [toAddress]: satsToBtc(inputSats - feeSats) },
          0,
          true,
        ]);
        const signed = await node.walletCall<{ hex: string; complete: boolean }>(
          'signrawtransactionwithwallet',
          [unsigned, prevtxs],
        );
        if (!signed.complete)
          throw new RegtestError(`cannot replace ${txid}: its inputs are not the wallet's`);
        return signed.hex;
      };
      // Signed once to learn its size (the fee does not change it), then with the fee
      // BIP125's rules ask for: at least the fees of everything it evicts (the original
      // and its descendants) plus the incremental relay fee for its own size, and a
      // higher fee rate than the original; one sat/vB more covers a signature a byte longer.
      const { vsize } = await rpc.call<{ vsize: number }>('decoderawtransaction', [await sign(entry.vsize)]);
      const { incrementalfee } = await rpc.call<{ incrementalfee: number }>('getnetworkinfo');
      const originalSats = btcToSats(entry.fees.modified);
      const feeSats =
        Math.max(
          btcToSats(entry.fees.descendant) + Math.ceil((btcToSats(incrementalfee) * vsize) / 1000),
          Math.floor((originalSats * vsize) / entry.vsize) + 1,
        ) + vsize;
      if (inputSats - feeSats < 1_000) {
        throw new RegtestError(
          `cannot replace ${txid}: its inputs (${inputSats} sats) do not cover a ${feeSats} sats fee`,
        );
      }
      return rpc.call<string>('sendrawtransaction', [await sign(feeSats)]);
    },
  };
}
