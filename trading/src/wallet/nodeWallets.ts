import { btcToSats, satsToBtc } from '#shared/bitcoin/btcSats.js';
import { RpcError, type RpcClient } from '#shared/bitcoind/rpcClient.js';
import { pickCoins } from './pickCoins.js';

export interface SignedTx {
  txid: string;
  hex: string;
}

interface Unspent {
  txid: string;
  vout: number;
  address: string;
  amount: number;
  confirmations: number;
  spendable: boolean;
}

/** Where the node has a settlement's transaction, as its paying wallet and mempool see it. */
export type TxStatus =
  | { kind: 'confirmed'; confirmations: number }
  | { kind: 'mempool' }
  /** Neither in a block nor in the mempool: it can be sent again. */
  | { kind: 'missing' }
  /** An input is spent by another transaction `depth` blocks deep: it can never confirm. */
  | { kind: 'conflicted'; depth: number; conflicts: string[] };

/** RPC_INVALID_ADDRESS_OR_KEY: "not in the wallet", "not in the mempool". */
const NOT_FOUND = -5;

/** RPC_VERIFY_ALREADY_IN_CHAIN (the transaction, or its outputs, already confirmed). */
const ALREADY_IN_CHAIN = -27;

export interface NodeWalletOptions {
  rpc: RpcClient;
  houseWallet: string;
  usersWallet: string;
  feeRateSatVb: number;
  /** Kept beyond a sell's amount for its fee: a sell's coins cover amount + margin. */
  sellFeeMarginSats: number;
}

/**
 * The node wallets settlement uses: the house wallet pays buys and receives sells; the
 * users' wallet (regtest) holds the users' keys and signs a sell for its user, from the
 * coins at the addresses the order names (the user's registered addresses) only — never
 * by the wallet's labels, which several forkline instances sharing the node also use.
 * Transactions are built and signed without being sent (add_to_wallet: false), so the
 * caller records them before any broadcast.
 */
export function createNodeWallets({
  rpc,
  houseWallet,
  usersWallet,
  feeRateSatVb,
  sellFeeMarginSats,
}: NodeWalletOptions) {
  const house = <T>(method: string, params: unknown[]) =>
    rpc.call<T>(method, params, { wallet: houseWallet });
  const users = <T>(method: string, params: unknown[]) =>
    rpc.call<T>(method, params, { wallet: usersWallet });

  /** The users' wallet's spendable coins at `addresses`, unconfirmed ones too. */
  async function coinsAt(addresses: readonly string[]) {
    const unique = [...new Set(addresses)];
    if (unique.length === 0) return [];
    const unspent = await users<Unspent[]>('listunspent', [0, 9_999_999, unique]);
    return unspent
      .filter((c) => c.spendable)
      .map((c) => ({
        txid: c.txid,
        vout: c.vout,
        address: c.address,
        sats: btcToSats(c.amount),
        confirmed: c.confirmations > 0,
      }));
  }

  async function signed(
    call: typeof house,
    outputs: Record<string, string>[],
    options: Record<string, unknown>,
  ): Promise<SignedTx> {
    const result = await call<{ complete: boolean; hex?: string }>('send', [
      outputs,
      null,
      'unset',
      null,
      { ...options, fee_rate: feeRateSatVb, add_to_wallet: false },
    ]);
    if (!result.complete || !result.hex) throw new Error('the wallet could not sign the whole transaction');
    const { txid } = await rpc.call<{ txid: string }>('decoderawtransaction', [result.hex]);
    return { txid, hex: result.hex };
  }

  return {
    /** What the users' wallet can spend at `addresses` (a user's), unconfirmed too, in satoshis. */
    async spendableSats(addresses: readonly string[]): Promise<number> {
      return (await coinsAt(addresses)).reduce((sum, c) => sum + c.sats, 0);
    },

    /** The house wallet pays `amountSats` to `address`; its change stays in the house wallet. */
    buildBuy: (address: string, amountSats: number) =>
      signed(house, [{ [address]: satsToBtc(amountSats) }], {}),

    /**
     * Coins at `spendAddresses` (nothing else; largest first, confirmed first, as many as
     * amount + fee margin needs) pay `amountSats` to a fresh house address; the change
     * goes to `changeAddress` (the user's newest address) when the wallet holds its key,
     * else back to the address of the first coin spent.
     */
    async buildSell(
      amountSats: number,
      spendAddresses: readonly string[],
      changeAddress: string,
    ): Promise<SignedTx> {
      const coins = pickCoins(await coinsAt(spendAddresses), amountSats + sellFeeMarginSats);
      if (coins.length === 0) {
        throw new Error(
          `the wallet ${usersWallet} holds no coins at the ${spendAddresses.length} address(es) of the sell`,
        );
      }
      const { ismine } = await users<{ ismine: boolean }>('getaddressinfo', [changeAddress]);
      const payTo = await house<string>('getnewaddress', ['settlement', 'bech32']);
      return signed(users, [{ [payTo]: satsToBtc(amountSats) }], {
        inputs: coins.map((c) => ({ txid: c.txid, vout: c.vout })),
        add_inputs: false,
        change_address: ismine ? changeAddress : coins[0]!.address,
      });
    },

    /**
     * Where the node has `txid`: its paying wallet (`house` for a buy, `users` for a sell)
     * tells confirmations (< 0: conflicted), the mempool tells whether an unconfirmed one
     * is still there.
     */
    async txStatus(payer: 'house' | 'users', txid: string): Promise<TxStatus> {
      const call = payer === 'house' ? house : users;
      const wtx = await call<{ confirmations: number; walletconflicts?: string[] }>('gettransaction', [
        txid,
      ]).catch((err: unknown) => {
        if (err instanceof RpcError && err.rpcCode === NOT_FOUND) return undefined;
        throw err;
      });
      if (wtx && wtx.confirmations > 0) return { kind: 'confirmed', confirmations: wtx.confirmations };
      if (wtx && wtx.confirmations < 0) {
        return { kind: 'conflicted', depth: -wtx.confirmations, conflicts: wtx.walletconflicts ?? [] };
      }
      try {
        await rpc.call('getmempoolentry', [txid]);
        return { kind: 'mempool' };
      } catch (err) {
        if (err instanceof RpcError && err.rpcCode === NOT_FOUND) return { kind: 'missing' };
        throw err;
      }
    },

    /**
     * Sends a signed transaction; one the node already has (in its mempool or a block)
     * counts as sent: re-sending the same bytes can never pay twice.
     */
    async broadcast(tx: SignedTx): Promise<void> {
      try {
        await rpc.call<string>('sendrawtransaction', [tx.hex]);
      } catch (err) {
        if (err instanceof RpcError && isAlreadyKnown(err)) return;
        throw err;
      }
    },
  };
}

function isAlreadyKnown(err: RpcError): boolean {
  return (
    err.rpcCode === ALREADY_IN_CHAIN ||
    /txn-already-in-mempool|txn-already-known|already in block ?chain/i.test(err.message)
  );
}

export type NodeWallets = ReturnType<typeof createNodeWallets>;
