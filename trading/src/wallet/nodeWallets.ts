import { btcToSats, satsToBtc } from '#shared/bitcoin/btcSats.js';
import { RpcError, type RpcClient } from '#shared/bitcoind/rpcClient.js';

export interface SignedTx {
  txid: string;
  hex: string;
}

interface Unspent {
  txid: string;
  vout: number;
  amount: number;
}

/** bitcoind's RPC_WALLET_INVALID_LABEL_NAME: a label with no address yet. */
const NO_SUCH_LABEL = -11;
/** RPC_VERIFY_ALREADY_IN_CHAIN (the transaction, or its outputs, already confirmed). */
const ALREADY_IN_CHAIN = -27;

/** The label the users' wallet gives a user's addresses (regtest/src/scenario/walletUsers.ts). */
export const userLabel = (userId: string) => `user:${userId}`;

export interface NodeWalletOptions {
  rpc: RpcClient;
  houseWallet: string;
  usersWallet: string;
  feeRateSatVb: number;
}

/**
 * The node wallets settlement uses: the house wallet pays buys and receives sells; the
 * users' wallet (regtest) holds the users' keys and signs a sell for its user, from that
 * user's coins only. Transactions are built and signed without being sent
 * (add_to_wallet: false), so the caller records them before any broadcast.
 */
export function createNodeWallets({ rpc, houseWallet, usersWallet, feeRateSatVb }: NodeWalletOptions) {
  const house = <T>(method: string, params: unknown[]) =>
    rpc.call<T>(method, params, { wallet: houseWallet });
  const users = <T>(method: string, params: unknown[]) =>
    rpc.call<T>(method, params, { wallet: usersWallet });

  async function userAddresses(userId: string): Promise<string[]> {
    try {
      const byAddress = await users<Record<string, unknown>>('getaddressesbylabel', [userLabel(userId)]);
      return Object.keys(byAddress).sort();
    } catch (err) {
      if (err instanceof RpcError && err.rpcCode === NO_SUCH_LABEL) return [];
      throw err;
    }
  }

  async function userCoins(userId: string): Promise<Unspent[]> {
    const addresses = await userAddresses(userId);
    if (addresses.length === 0) return [];
    return users<Unspent[]>('listunspent', [0, 9_999_999, addresses]);
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
    userAddresses,

    /** The user's coins in the users' wallet, unconfirmed ones too, in satoshis. */
    async userSpendableSats(userId: string): Promise<number> {
      return (await userCoins(userId)).reduce((sum, c) => sum + btcToSats(c.amount), 0);
    },

    /** The house wallet pays `amountSats` to `address`; its change stays in the house wallet. */
    buildBuy: (address: string, amountSats: number) =>
      signed(house, [{ [address]: satsToBtc(amountSats) }], {}),

    /**
     * The user's coins (all of them, nothing else) pay `amountSats` to a fresh house
     * address; the change goes back to `changeAddress` when it is the user's, else to the
     * user's first address.
     */
    async buildSell(userId: string, amountSats: number, changeAddress: string): Promise<SignedTx> {
      const addresses = await userAddresses(userId);
      const coins = addresses.length === 0 ? [] : await userCoins(userId);
      if (coins.length === 0) throw new Error(`user ${userId} has no coins in the wallet ${usersWallet}`);
      const payTo = await house<string>('getnewaddress', ['settlement', 'bech32']);
      return signed(users, [{ [payTo]: satsToBtc(amountSats) }], {
        inputs: coins.map((c) => ({ txid: c.txid, vout: c.vout })),
        add_inputs: false,
        change_address: addresses.includes(changeAddress) ? changeAddress : addresses[0],
      });
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
