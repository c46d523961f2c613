import type { RegtestNode, WalletAddressType } from '#shared/testing/regtestNode.js';
import { btcToSats, satsToBtc } from '#shared/bitcoin/btcSats.js';
import type { BffClient } from './bffClient.js';

interface Unspent {
  txid: string;
  vout: number;
  address: string;
  amount: number;
}

/** The node wallet holding the customers' keys, apart from the miner's wallet. */
export const USERS_WALLET = 'forkline-users';

/**
 * Customers whose addresses belong to a wallet of the node's own (`forkline-users`), so
 * the tests and the demo can spend on their behalf: a user's payment uses only that
 * user's coins and sends the change back to the user's own first address. A wallet apart
 * from the miner's, so funding payments never spend a customer's coins.
 */
export function createWalletUsers(node: RegtestNode, bff: BffClient) {
  const users = new Map<string, string[]>();
  const call = <T>(method: string, params: unknown[]) =>
    node.rpc.call<T>(method, params, { wallet: USERS_WALLET });
  let walletReady: Promise<void> | undefined;
  const ready = () => (walletReady ??= node.ensureWallet(USERS_WALLET));

  const api = {
    users,
    async register(userId: string, types: WalletAddressType[]): Promise<string[]> {
      await ready();
      await bff.createUser(userId);
      const addresses: string[] = [];
      for (const type of types) {
        const address = await call<string>('getnewaddress', [`user:${userId}`, type]);
        await bff.addAddress(userId, address);
        addresses.push(address);
      }
      users.set(userId, addresses);
      return addresses;
    },

    addressesOf(userId: string): string[] {
      const addresses = users.get(userId);
      if (!addresses) throw new Error(`unknown test user ${userId}`);
      return addresses;
    },

    /** What bitcoind says the user's addresses hold: the oracle. */
    oracle: (userId: string) => node.balanceOf(api.addressesOf(userId)),

    /** The user's spendable coins (in the mempool too). */
    async coins(userId: string): Promise<Unspent[]> {
      return call<Unspent[]>('listunspent', [0, 9_999_999, api.addressesOf(userId)]);
    },

    /**
     * Pays `to` from `from`'s coins only (change to `from`'s first address); returns
     * the txid, or undefined when the user cannot afford it.
     */
    async pay(from: string, outputs: Record<string, number>): Promise<string | undefined> {
      const coins = await api.coins(from);
      const total = coins.reduce((s, c) => s + btcToSats(c.amount), 0);
      const wanted = Object.values(outputs).reduce((s, btc) => s + btcToSats(btc), 0);
      if (coins.length === 0 || total < wanted + 50_000) return undefined;
      const result = await call<{ txid: string; complete: boolean }>('send', [
        Object.entries(outputs).map(([address, btc]) => ({ [address]: satsToBtc(btcToSats(btc)) })),
        null,
        'unset',
        null,
        {
          inputs: coins.map((c) => ({ txid: c.txid, vout: c.vout })),
          add_inputs: false,
          change_address: api.addressesOf(from)[0],
          fee_rate: 2,
        },
      ]);
      if (!result.complete) throw new Error(`could not sign a payment from ${from}`);
      return node.expectInMempool(result.txid, USERS_WALLET);
    },
  };
  return api;
}

export type WalletUsers = ReturnType<typeof createWalletUsers>;
