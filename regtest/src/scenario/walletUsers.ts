import type { RegtestNode, WalletAddressType } from '../regtestNode.js';
import { btcToSats, satsToBtc } from '../regtestNode.js';
import type { BffClient } from './bffClient.js';

interface Unspent {
  txid: string;
  vout: number;
  address: string;
  amount: number;
}

/**
 * Customers whose addresses belong to the node's wallet, so the tests can spend on
 * their behalf: a user's payment uses only that user's coins and sends the change
 * back to the user's own first address.
 */
export function createWalletUsers(node: RegtestNode, bff: BffClient) {
  const users = new Map<string, string[]>();

  const api = {
    users,
    async register(userId: string, types: WalletAddressType[]): Promise<string[]> {
      await bff.createUser(userId);
      const addresses: string[] = [];
      for (const type of types) {
        const address = await node.newAddress(type, `user:${userId}`);
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
      return node.walletCall<Unspent[]>('listunspent', [0, 9_999_999, api.addressesOf(userId)]);
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
      const result = await node.walletCall<{ txid: string; complete: boolean }>('send', [
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
      return result.txid;
    },
  };
  return api;
}

export type WalletUsers = ReturnType<typeof createWalletUsers>;
