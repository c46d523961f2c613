import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { btcToSats } from '../bitcoin/btcSats.js';
import { decodeWithPrevouts, type TxWithPrevouts } from './decodeWithPrevouts.js';
import { createRegtestNode } from './regtestNode.js';
import { readStackEnv } from './stackEnv.js';

/** The regtest helper's pending transactions: sent unmined, fee-bumped, double-spent, lost in a restart. */
describe('regtest node: pending transactions', () => {
  const stack = readStackEnv();
  const node = createRegtestNode(stack.BITCOIND_RPC_URL, stack.BITCOIND_WALLET);
  const mempool = () => node.rpc.call<string[]>('getrawmempool');
  const outpoints = (tx: TxWithPrevouts) => tx.vin.map((i) => `${i.txid}:${i.vout}`).sort();
  const feeSats = (tx: TxWithPrevouts) =>
    tx.vin.reduce((sum, i) => sum + btcToSats(i.prevout.value), 0) -
    tx.vout.reduce((sum, o) => sum + btcToSats(o.value), 0);

  /**
   * Pays from one coin much larger than the payment, so the payment has change: coin
   * selection finds changeless payments on a wallet full of small coins, and a bump
   * would then add inputs, a child would have no change to spend.
   */
  async function sendWithChange(address: string, btc: number): Promise<string> {
    const coins = await node.walletCall<{ txid: string; vout: number; amount: number }[]>('listunspent', [1]);
    const big = coins.filter((c) => c.amount >= btc + 1).sort((a, b) => b.amount - a.amount)[0];
    if (!big) throw new Error(`no confirmed coin of at least ${btc + 1} BTC in the wallet`);
    const { txid } = await node.walletCall<{ txid: string }>('send', [
      [{ [address]: btc }],
      null,
      'unset',
      null,
      { inputs: [{ txid: big.txid, vout: big.vout }], add_inputs: false },
    ]);
    return node.expectInMempool(txid);
  }

  beforeAll(() => node.ensureFunds(5));
  // Other spec files expect a quiet node: nothing left pending.
  afterEach(async () => {
    while ((await mempool()).length > 0) await node.mine(1);
  });
  afterAll(() => node.rpc.close());

  it('send leaves the payment in the mempool, unmined', async () => {
    const height = await node.height();
    const txid = await node.send(await node.newAddress(), 0.1);
    expect(await mempool()).toContain(txid);
    expect(await node.height()).toBe(height);
  });

  it('bumpFee replaces the transaction with one spending the same inputs for a higher fee', async () => {
    const original = await decodeWithPrevouts(node.rpc, await sendWithChange(await node.newAddress(), 0.2));
    const bumped = await node.bumpFee(original.txid);

    const pool = await mempool();
    expect(pool).not.toContain(original.txid);
    expect(pool).toContain(bumped);
    const replacement = await decodeWithPrevouts(node.rpc, bumped);
    expect(outpoints(replacement)).toEqual(outpoints(original));
    expect(feeSats(replacement)).toBeGreaterThan(feeSats(original));
  });

  it('replaceTx double-spends the inputs to another address, outbidding the original', async () => {
    const payee = await node.newAddress();
    const original = await decodeWithPrevouts(node.rpc, await node.send(payee, 0.3));
    const elsewhere = await node.newAddress('bech32m', 'elsewhere');
    const replaced = await node.replaceTx(original.txid, elsewhere);

    const pool = await mempool();
    expect(pool).not.toContain(original.txid);
    expect(pool).toContain(replaced);
    const replacement = await decodeWithPrevouts(node.rpc, replaced);
    expect(outpoints(replacement)).toEqual(outpoints(original));
    expect(feeSats(replacement)).toBeGreaterThan(feeSats(original));
    const paid = await node.rpc.call<{ vout: { scriptPubKey: { address?: string } }[] }>(
      'getrawtransaction',
      [replaced, 1],
    );
    expect(paid.vout.map((o) => o.scriptPubKey.address)).toEqual([elsewhere]);

    // Mined, the replacement confirms and the original is gone for good.
    await node.mine(1);
    expect(await node.walletCall<{ confirmations: number }>('gettransaction', [replaced])).toMatchObject({
      confirmations: 1,
    });
    await expect(node.replaceTx(original.txid, elsewhere)).rejects.toThrow(/is not in the mempool/);
  });

  it('replaceTx outbids a transaction with a descendant, and both leave the mempool', async () => {
    const parent = await sendWithChange(await node.newAddress(), 0.5);
    const { vout } = await node.rpc.call<{ vout: { value: number; n: number }[] }>('getrawtransaction', [
      parent,
      1,
    ]);
    const change = vout.find((o) => o.value !== 0.5)!;
    // The child spends the parent's change at a high fee rate: the replacement has to
    // outbid both.
    const { txid: child } = await node.walletCall<{ txid: string }>('send', [
      [{ [await node.newAddress()]: change.value }],
      null,
      'unset',
      50,
      { inputs: [{ txid: parent, vout: change.n }], add_inputs: false, subtract_fee_from_outputs: [0] },
    ]);
    expect(await mempool()).toEqual(expect.arrayContaining([parent, child]));

    const replaced = await node.replaceTx(parent, await node.newAddress());
    expect(await mempool()).toEqual([replaced]);
  });

  it('restartWithEmptyMempool brings the node back on the same tip with nothing pending', async () => {
    const pending = await node.send(await node.newAddress(), 0.4);
    const tip = await node.bestHash();
    expect(await mempool()).toContain(pending);

    await node.restartWithEmptyMempool();

    expect(await mempool()).toEqual([]);
    expect(await node.bestHash()).toBe(tip);
    // The wallet let go of the lost payment's coins and broadcasts again.
    const again = await node.send(await node.newAddress(), 0.4);
    expect(await mempool()).toEqual([again]);
  });
});
