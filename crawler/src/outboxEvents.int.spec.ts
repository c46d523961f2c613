import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseRecordedEvent, parseWithZod } from '#shared/events/schemas.js';
import type { EventType } from '#shared/events/types.js';
import { createHarness, type Harness } from './testing/crawlerHarness.js';
import { selectOutboxEvents, type OutboxEnvelope } from './testing/selectOutboxEvents.js';
import { spend, utxosOf } from './testing/walletTxs.js';

/**
 * The events crawler_apply_block builds in SQL (TxConfirmed, BlockConnected) and those
 * revertBlock writes (TxReverted, BlockDisconnected), read back from the outbox and held
 * to their one definition, the shared zod schemas: no field missing, extra or mistyped.
 */
describe('crawler: outbox events', () => {
  const FEE = 10_000;
  const TO_BOB = 20_000_000;
  let h: Harness;
  let alice: string[];
  let bob: string[];
  let paid: string; // pays both of alice's addresses
  let spent: string; // alice's coin from `paid` to bob and to an outsider
  let coinSats: number;
  let blocks: { hash: string; height: number; prevHash: string; time: number }[];
  let events: OutboxEnvelope[];

  const header = async (hash: string) => {
    const hdr = await h.node.rpc.call<{ height: number; previousblockhash: string; time: number }>(
      'getblockheader',
      [hash],
    );
    return { hash, height: hdr.height, prevHash: hdr.previousblockhash, time: hdr.time };
  };
  const ofType = (type: EventType) => events.filter((e) => e.type === type);

  beforeAll(async () => {
    h = await createHarness('crawler_outbox_events');
    await h.startCrawler();
    alice = await h.newUser('alice', ['bech32', 'legacy']);
    bob = await h.newUser('bob', ['bech32m']);
    // Our first block: the reorg below must find a fork point we hold.
    await h.node.mine(1);
    await h.waitSynced();

    paid = await h.node.sendMany({ [alice[0]!]: 0.5, [alice[1]!]: 0.25 });
    const first = await h.node.mineBlockWith([paid]);
    await h.waitSynced();
    const [coin] = await utxosOf(h.node, [alice[0]!]);
    coinSats = coin!.sats;
    const outsider = await h.node.newAddress('bech32', 'outsider');
    spent = await spend(h.node, [coin!], { [bob[0]!]: TO_BOB, [outsider]: coinSats - TO_BOB - FEE });
    const second = await h.node.mineBlockWith([spent]);
    await h.waitSynced();
    blocks = [await header(first), await header(second)];

    // Both blocks leave the chain; the node mines their transactions again on the new branch.
    await h.node.reorg(2);
    await h.waitSynced();
    await h.expectOracle();
    events = await selectOutboxEvents(h.db.online);
  });
  afterAll(async () => {
    await h?.close();
  });

  it('every outbox row parses, unchanged, with the shared schema, as the projector parses it', () => {
    const types = new Set(events.map((e) => e.type));
    expect([...types].sort()).toEqual(['BlockConnected', 'BlockDisconnected', 'TxConfirmed', 'TxReverted']);
    for (const event of events) {
      const parsed = parseWithZod(event);
      // Equal to the row: the strict payload schemas neither refuse nor drop a field.
      expect(parsed, JSON.stringify(event)).toEqual({ ok: true, event });
      expect(parseRecordedEvent(event)).toEqual(parsed);
    }
  });

  /** The last version each user stream got from the events of `type` about block `hash`. */
  const lastVersions = (type: EventType, hash: string) => {
    const streams: Record<string, number> = {};
    for (const e of ofType(type)) {
      if ((e.payload as { blockHash: string }).blockHash !== hash) continue;
      streams[e.stream] = Math.max(streams[e.stream] ?? 0, e.version);
    }
    return streams;
  };

  it('BlockConnected carries the node’s header of each applied block, and the versions its users’ streams reached', () => {
    const connected = ofType('BlockConnected').map((e) => e.payload);
    for (const block of blocks) {
      const streams = lastVersions('TxConfirmed', block.hash);
      expect(Object.keys(streams).length).toBeGreaterThan(0);
      expect(connected).toContainEqual({ ...block, streams });
    }
    expect(new Set(ofType('BlockConnected').map((e) => e.stream))).toEqual(new Set(['chain']));
    // A block that pays nobody of ours names no stream.
    expect(connected.some((p) => !('streams' in (p as object)))).toBe(true);
  });

  it('TxConfirmed carries each user’s amounts, from the block that confirmed them', () => {
    const [first, second] = blocks;
    const confirmed = (stream: string, txid: string, blockHash: string) =>
      ofType('TxConfirmed').filter(
        (e) =>
          e.stream === stream &&
          (e.payload as { txid: string }).txid === txid &&
          (e.payload as { blockHash: string }).blockHash === blockHash,
      );
    expect(confirmed('user:alice', paid, first!.hash)).toMatchObject([
      {
        payload: {
          txid: paid,
          blockHash: first!.hash,
          height: first!.height,
          deltaSats: 75_000_000,
          receivedSats: 75_000_000,
          sentSats: 0,
          addresses: [...alice].sort(),
        },
      },
    ]);
    expect(confirmed('user:alice', spent, second!.hash)).toMatchObject([
      {
        payload: {
          txid: spent,
          blockHash: second!.hash,
          height: second!.height,
          deltaSats: -coinSats,
          receivedSats: 0,
          sentSats: coinSats,
          paidToOthersSats: coinSats - FEE,
          addresses: [alice[0]],
        },
      },
    ]);
    expect(confirmed('user:bob', spent, second!.hash)).toMatchObject([
      {
        payload: {
          deltaSats: TO_BOB,
          receivedSats: TO_BOB,
          sentSats: 0,
          paidToOthersSats: coinSats - FEE - TO_BOB,
          addresses: [bob[0]],
        },
      },
    ]);
  });

  it('the reorg writes TxReverted per wallet transaction and BlockDisconnected per block, newest first', () => {
    const [first, second] = blocks;
    expect(ofType('BlockDisconnected').map((e) => e.payload)).toEqual([
      {
        hash: second!.hash,
        height: second!.height,
        prevHash: second!.prevHash,
        streams: lastVersions('TxReverted', second!.hash),
      },
      {
        hash: first!.hash,
        height: first!.height,
        prevHash: first!.prevHash,
        streams: lastVersions('TxReverted', first!.hash),
      },
    ]);
    expect(Object.keys(lastVersions('TxReverted', second!.hash)).sort()).toEqual(['user:alice', 'user:bob']);
    const reverted = ofType('TxReverted').map((e) => ({ stream: e.stream, payload: e.payload }));
    expect(reverted).toEqual([
      {
        stream: 'user:alice',
        payload: { txid: spent, blockHash: second!.hash, height: second!.height, deltaSats: coinSats },
      },
      {
        stream: 'user:bob',
        payload: { txid: spent, blockHash: second!.hash, height: second!.height, deltaSats: -TO_BOB },
      },
      {
        stream: 'user:alice',
        payload: { txid: paid, blockHash: first!.hash, height: first!.height, deltaSats: -75_000_000 },
      },
    ]);
  });
});
