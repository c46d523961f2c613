import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { btcToSats, satsToBtc } from '../bitcoin/btcSats.js';
import { expectedPending } from './expectedPending.js';
import { createRegtestNode } from './regtestNode.js';
import { readStackEnv } from './stackEnv.js';

/** The pending oracle against the node's own mempool. */
describe('expectedPending', () => {
  const stack = readStackEnv();
  const node = createRegtestNode(stack.BITCOIND_RPC_URL, stack.BITCOIND_WALLET);
  const owners: Record<string, string> = {};

  beforeAll(async () => {
    await node.ensureFunds(5);
    while ((await node.rpc.call<string[]>('getrawmempool')).length > 0) await node.mine(1);
    owners[await node.newAddress('bech32', 'alice')] = 'alice';
    owners[await node.newAddress('p2sh-segwit', 'alice')] = 'alice';
    owners[await node.newAddress('bech32m', 'bob')] = 'bob';
  });
  afterAll(() => node.rpc.close());

  const addressOf = (user: string) => Object.keys(owners).find((a) => owners[a] === user)!;

  it('sees a payment, then one passed on unconfirmed, and nothing once they are mined', async () => {
    const paid = await node.send(addressOf('alice'), 0.7);
    expect(await expectedPending(node, owners)).toEqual(
      new Map([
        ['alice', { pendingSats: 70_000_000, txids: [paid] }],
        ['bob', { pendingSats: 0, txids: [] }],
      ]),
    );

    // alice's unconfirmed coin goes on to bob, the fee taken from it: prevouts of a
    // mempool parent count as well.
    const { vout } = await node.rpc.call<{
      vout: { value: number; n: number; scriptPubKey: { address: string } }[];
    }>('getrawtransaction', [paid, 1]);
    const coin = vout.find((o) => o.scriptPubKey.address === addressOf('alice'))!;
    const { txid: passed } = await node.walletCall<{ txid: string }>('send', [
      [{ [addressOf('bob')]: satsToBtc(btcToSats(coin.value)) }],
      null,
      'unset',
      2,
      { inputs: [{ txid: paid, vout: coin.n }], add_inputs: false, subtract_fee_from_outputs: [0] },
    ]);
    const { fees } = await node.rpc.call<{ fees: { base: number } }>('getmempoolentry', [passed]);
    const pending = await expectedPending(node, owners);
    expect(pending.get('alice')).toEqual({ pendingSats: 0, txids: [paid, passed].sort() });
    expect(pending.get('bob')).toEqual({ pendingSats: 70_000_000 - btcToSats(fees.base), txids: [passed] });

    await node.mine(1);
    expect(await expectedPending(node, owners)).toEqual(
      new Map([
        ['alice', { pendingSats: 0, txids: [] }],
        ['bob', { pendingSats: 0, txids: [] }],
      ]),
    );
  });
});
