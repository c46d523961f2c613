import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRegtestNode } from './regtestNode.js';
import { readStackEnv } from './stackEnv.js';

/** The wallet side of the regtest helper: what the tests' money does across reorgs. */
describe('regtest node: the wallet across reorgs and refusals', () => {
  const stack = readStackEnv();
  const node = createRegtestNode(stack.BITCOIND_RPC_URL, stack.BITCOIND_WALLET);
  const unspent = async () =>
    (await node.walletCall<{ txid: string; vout: number }[]>('listunspent', [0])).map(
      (u) => `${u.txid}:${u.vout}`,
    );

  beforeAll(async () => {
    await node.ensureFunds(5);
  });
  afterAll(() => node.rpc.close());

  it('a dropped transaction the node cannot take back is abandoned, and its coin is spendable again', async () => {
    // A coinbase that has just matured: a reorg of depth 3 makes it immature for a moment,
    // and the node evicts the transaction spending it instead of putting it back.
    const [coinbaseBlock] = await node.mine(1, await node.newAddress('bech32', 'matured'));
    const block = await node.rpc.call<{ tx: { txid: string; vout: { value: number }[] }[] }>('getblock', [
      coinbaseBlock,
      2,
    ]);
    const coinbase = block.tx[0]!.txid;
    await node.mine(100);
    const { txid: spender } = await node.walletCall<{ txid: string }>('send', [
      [{ [await node.newAddress()]: block.tx[0]!.vout[0]!.value }],
      null,
      'unset',
      2,
      { inputs: [{ txid: coinbase, vout: 0 }], add_inputs: false, subtract_fee_from_outputs: [0] },
    ]);
    await node.mineBlockWith([spender]);
    expect(await unspent()).not.toContain(`${coinbase}:0`);

    await node.reorg(3, { dropTxs: true });

    const mempool = await node.rpc.call<string[]>('getrawmempool');
    expect(mempool).not.toContain(spender);
    const wtx = await node.walletCall<{
      confirmations: number;
      details: { category: string; abandoned?: boolean }[];
    }>('gettransaction', [spender]);
    expect(wtx.confirmations).toBe(0);
    expect(wtx.details.filter((d) => d.category === 'send')).toMatchObject([{ abandoned: true }]);
    expect(await unspent()).toContain(`${coinbase}:0`);
  });

  it('a wallet transaction the mempool does not hold is reported with the node’s reason', async () => {
    const first = await node.send(await node.newAddress(), 0.5);
    expect(await node.expectInMempool(first)).toBe(first);
    // Replaced by a fee bump, the first version is a wallet transaction outside the mempool.
    const { txid: bumped } = await node.walletCall<{ txid: string }>('bumpfee', [first]);
    expect(await node.expectInMempool(bumped)).toBe(bumped);
    await expect(node.expectInMempool(first)).rejects.toThrow(
      new RegExp(`wallet "forkline" made transaction ${first}, but the node's mempool refused it: \\S+`),
    );
    await node.mine(1);
    expect(await node.expectInMempool(bumped)).toBe(bumped);
  });
});
