import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { networks, payments } from 'bitcoinjs-lib';
import { btcToSats } from '#shared/bitcoin/btcSats.js';
import { parseWithZod } from '#shared/events/schemas.js';
import {
  createHarness,
  expectDenseVersions,
  expectNoDuplicateConfirmations,
  type Harness,
} from './testing/crawlerHarness.js';
import { payOutputs, spend, utxosOf, withCoinsLocked } from './testing/walletTxs.js';

/** Payments to, from and between customers; after each, every user's balance equals the node's. */
describe('crawler: payments', () => {
  let h: Harness;
  let alice: string[];
  let bob: string[];
  let carol: string[];
  const external = () => h.node.newAddress('bech32', 'external');

  async function mineAndCheck(txids: string[] = []) {
    if (txids.length > 0) await h.node.mineBlockWith(txids);
    else await h.node.mine(1);
    await h.waitSynced();
    await h.expectOracle();
  }

  async function walletTx(userId: string, txid: string) {
    const { rows } = await h.db.online.query<{
      received_sats: number;
      sent_sats: number;
      delta_sats: number;
      addresses: string[];
    }>(
      'SELECT received_sats, sent_sats, delta_sats, addresses FROM wallet_transactions WHERE user_id = $1 AND txid = $2',
      [userId, txid],
    );
    return rows;
  }

  beforeAll(async () => {
    h = await createHarness('crawler_payments');
    await h.startCrawler();
    alice = await h.newUser('alice', ['bech32', 'legacy', 'p2sh-segwit', 'bech32m']);
    bob = await h.newUser('bob', ['bech32', 'bech32m']);
    carol = await h.newUser('carol', ['legacy']);
  });
  afterAll(async () => {
    await h?.close();
  });

  it('receive: payments to every address type are confirmed', async () => {
    // P2WSH: the wallet cannot make one, so pay a script anyone can spend (<random> DROP TRUE),
    // random so that no earlier run has paid it already.
    const witnessScript = Buffer.concat([Buffer.from([0x14]), randomBytes(20), Buffer.from([0x75, 0x51])]);
    const p2wsh = payments.p2wsh({ redeem: { output: witnessScript }, network: networks.regtest }).address!;
    await h.newUser('dave', []);
    await h.addAddresses('dave', [p2wsh]);
    const txid = await h.node.sendMany({
      [alice[0]!]: 1,
      [alice[1]!]: 0.5,
      [alice[2]!]: 0.25,
      [alice[3]!]: 0.125,
      [p2wsh]: 0.3,
    });
    await mineAndCheck([txid]);
    expect(await walletTx('alice', txid)).toEqual([
      {
        received_sats: btcToSats(1.875),
        sent_sats: 0,
        delta_sats: btcToSats(1.875),
        addresses: [...alice].sort(),
      },
    ]);
    expect(await h.node.balanceOf([p2wsh])).toBe(btcToSats(0.3));
  });

  it('send: a customer pays someone else', async () => {
    const [utxo] = await utxosOf(h.node, [alice[0]!]);
    const txid = await spend(h.node, [utxo!], { [await external()]: utxo!.sats - 5_000 });
    await mineAndCheck([txid]);
    expect(await walletTx('alice', txid)).toEqual([
      { received_sats: 0, sent_sats: utxo!.sats, delta_sats: -utxo!.sats, addresses: [alice[0]] },
    ]);
  });

  it('self-transfer: change comes back to the sender’s own address', async () => {
    const [utxo] = await utxosOf(h.node, [alice[1]!]);
    const change = utxo!.sats - 10_000_000 - 3_000;
    const txid = await spend(h.node, [utxo!], { [await external()]: 10_000_000, [alice[1]!]: change });
    await mineAndCheck([txid]);
    expect(await walletTx('alice', txid)).toEqual([
      {
        received_sats: change,
        sent_sats: utxo!.sats,
        delta_sats: change - utxo!.sats,
        addresses: [alice[1]],
      },
    ]);
  });

  it('one transaction touching two customers', async () => {
    const [utxo] = await utxosOf(h.node, [alice[2]!]);
    const change = utxo!.sats - 7_000_000 - 4_000;
    const txid = await spend(h.node, [utxo!], { [bob[0]!]: 7_000_000, [alice[3]!]: change });
    await mineAndCheck([txid]);
    expect((await walletTx('alice', txid))[0]).toMatchObject({ delta_sats: change - utxo!.sats });
    expect((await walletTx('bob', txid))[0]).toMatchObject({ delta_sats: 7_000_000, sent_sats: 0 });
    const events = await h.db.online.query<{ stream: string }>(
      `SELECT stream FROM outbox WHERE type = 'TxConfirmed' AND payload->>'txid' = $1 ORDER BY stream`,
      [txid],
    );
    expect(events.rows.map((r) => r.stream)).toEqual(['user:alice', 'user:bob']);
  });

  it('several outputs to the same customer make one wallet transaction', async () => {
    const txid = await payOutputs(h.node, [
      { address: carol[0]!, sats: 1_000_000 },
      { address: carol[0]!, sats: 2_000_000 },
      { address: carol[0]!, sats: 3_000_000 },
      { address: bob[1]!, sats: 4_000_000 },
    ]);
    await mineAndCheck([txid]);
    expect(await walletTx('carol', txid)).toEqual([
      { received_sats: 6_000_000, sent_sats: 0, delta_sats: 6_000_000, addresses: [carol[0]] },
    ]);
    const utxos = await h.db.online.query('SELECT 1 FROM wallet_utxos WHERE txid = $1', [txid]);
    expect(utxos.rowCount).toBe(4);
  });

  it('a transaction spending an output paid earlier in the same block', async () => {
    const paid = await withCoinsLocked(h.node, carol, () => h.node.send(carol[0]!, 0.4));
    const [fresh] = (await utxosOf(h.node, [carol[0]!])).filter((u) => u.txid === paid);
    const onward = await spend(h.node, [fresh!], { [bob[0]!]: fresh!.sats - 2_000 });
    const hash = await h.node.mineBlockWith([paid, onward]);
    await h.waitSynced();
    await h.expectOracle();
    expect(await walletTx('carol', paid)).toMatchObject([{ delta_sats: fresh!.sats }]);
    expect(await walletTx('carol', onward)).toMatchObject([{ delta_sats: -fresh!.sats }]);
    const spent = await h.db.online.query<{ spent_block_hash: string }>(
      'SELECT spent_block_hash FROM wallet_utxos WHERE txid = $1 AND vout = $2',
      [fresh!.txid, fresh!.vout],
    );
    expect(spent.rows).toEqual([{ spent_block_hash: hash }]);
  });

  it('an address added while running is matched from then on', async () => {
    const [late] = await h.newUser('erin', ['bech32']);
    await mineAndCheck([await h.node.send(late!, 0.2)]);
    expect(await h.node.balanceOf([late!])).toBe(btcToSats(0.2));
  });

  it('outbox: dense per-stream versions, one BlockConnected per block, no duplicate confirmation', async () => {
    await expectDenseVersions(h.db.online);
    await expectNoDuplicateConfirmations(h.db.online);
    const chain = await h.db.online.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM outbox WHERE stream = 'chain' AND type = 'BlockConnected'`,
    );
    const blocks = await h.db.online.query<{ n: number }>('SELECT count(*)::int AS n FROM crawler_blocks');
    expect(chain.rows[0]!.n).toBe(blocks.rows[0]!.n);
  });

  it('a coinbase paying a customer is flagged as one (it matures after 100 blocks)', async () => {
    const [hash] = await h.node.mine(1, carol[0]);
    await h.waitSynced();
    const { rows } = await h.db.online.query<{ payload: { blockHash: string; coinbase?: boolean } }>(
      `SELECT payload FROM outbox WHERE type = 'TxConfirmed' AND stream = 'user:carol'`,
    );
    const flagged = rows.filter((r) => r.payload.coinbase === true).map((r) => r.payload.blockHash);
    expect(flagged).toEqual([hash]);
    await h.expectOracle();
  });

  it('outbox: every event passes the shared schemas and matches the rows it announces', async () => {
    const { rows } = await h.db.online.query<{ event: Record<string, unknown> }>(
      `SELECT json_build_object('id', event_id, 'type', type, 'stream', stream, 'version', version,
                                'occurredAt', occurred_at, 'payload', payload) AS event
         FROM outbox ORDER BY id`,
    );
    expect(rows.length).toBeGreaterThan(0);
    const confirmed = new Map<string, Record<string, unknown>>();
    for (const { event } of rows) {
      const parsed = parseWithZod(event);
      expect(parsed, JSON.stringify(event)).toMatchObject({ ok: true });
      if (!parsed.ok || parsed.event.type !== 'TxConfirmed') continue;
      const p = parsed.event.payload;
      confirmed.set(`${parsed.event.stream} ${p.txid} ${p.blockHash}`, { ...p });
    }
    const wallet = await h.db.online.query<{
      user_id: string;
      txid: string;
      block_hash: string;
      height: number;
      received_sats: number;
      sent_sats: number;
      delta_sats: number;
      addresses: string[];
    }>('SELECT * FROM wallet_transactions');
    expect(confirmed.size).toBe(wallet.rows.length);
    for (const w of wallet.rows) {
      expect(confirmed.get(`user:${w.user_id} ${w.txid} ${w.block_hash}`)).toMatchObject({
        height: w.height,
        receivedSats: w.received_sats,
        sentSats: w.sent_sats,
        deltaSats: w.delta_sats,
        addresses: w.addresses,
      });
    }
  });
});
