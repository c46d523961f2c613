import { Transaction } from 'bitcoinjs-lib';
import { describe, expect, it } from 'vitest';
import { matchBlock } from '../matching/matchBlock.js';
import {
  outpointKey,
  type BlockMatch,
  type BlockTxs,
  type OwnedOutput,
  type WatchEntry,
} from '../matching/types.js';
import { matchMempoolTx } from '../mempool/matchMempoolTx.js';
import { createPendingIndex, type PendingIndex } from '../mempool/pendingIndex.js';
import { parseBlock } from '../node/parseBlock.js';
import { blockOf } from '../testing/blockOf.js';
import { settlePending } from './settlePending.js';

const script = (n: number) => Buffer.from(`0014${n.toString(16).padStart(40, '0')}`, 'hex');
const watch = new Map<string, WatchEntry>([
  [script(1).toString('hex'), { userId: 'alice', address: 'a1' }],
  [script(2).toString('hex'), { userId: 'alice', address: 'a2' }],
  [script(3).toString('hex'), { userId: 'bob', address: 'b1' }],
]);
const STRANGER = 9;

function tx(inputs: { txid: string; vout: number }[], outputs: [number, number][]): Transaction {
  const t = new Transaction();
  for (const i of inputs) t.addInput(Buffer.from(i.txid, 'hex').reverse(), i.vout);
  for (const [s, v] of outputs) t.addOutput(script(s), BigInt(v));
  return t;
}
const coinbase = () => {
  const t = new Transaction();
  t.addInput(Buffer.alloc(32), 0xffffffff);
  t.addOutput(script(STRANGER), 50n);
  return t;
};
const out = (t: Transaction, vout: number) => ({ txid: t.getId(), vout });

// alice's confirmed unspent outputs.
const u1: OwnedOutput = { txid: 'a1'.repeat(32), vout: 0, userId: 'alice', address: 'a1', valueSats: 10_000 };
const u2: OwnedOutput = { txid: 'a2'.repeat(32), vout: 0, userId: 'alice', address: 'a1', valueSats: 20_000 };
const u3: OwnedOutput = { txid: 'a3'.repeat(32), vout: 1, userId: 'alice', address: 'a2', valueSats: 30_000 };
const confirmed = [u1, u2, u3];

// Pending: a pays bob with change; f is bob spending it on. b moves alice's coins, c
// pays them to bob, d is bob spending c's output: b → c → d. e is unrelated to them.
const a = tx(
  [u1],
  [
    [3, 6_000],
    [2, 3_900],
  ],
);
const f = tx([out(a, 0)], [[STRANGER, 5_900]]);
const b = tx([u2], [[1, 19_900]]);
const c = tx([out(b, 0)], [[3, 19_800]]);
const d = tx([out(c, 0)], [[STRANGER, 19_700]]);
const e = tx([u3], [[STRANGER, 29_900]]);

/** The index as the mempool follower builds it: parents matched first. */
function pendingIndex(): PendingIndex {
  const owned = new Map(confirmed.map((o) => [outpointKey(o.txid, o.vout), o]));
  const pending = [a, f, b, c, d, e].map((t) => {
    const m = matchMempoolTx(t, t.getId(), watch, (txid, vout) => owned.get(outpointKey(txid, vout)));
    for (const o of m.outputs) owned.set(outpointKey(o.txid, o.vout), o);
    return { txid: t.getId(), users: m.walletTxs.map((w) => w.userId), inputs: m.inputs, outputs: m.outputs };
  });
  const index = createPendingIndex();
  index.load(pending);
  return index;
}

/** Settles a block matched as the chain follower does, checking what holds for every block. */
function settle(txs: Transaction[], index: PendingIndex, match?: BlockMatch) {
  const block = parseBlock(blockOf(txs)).txs;
  const result = settlePending(block, match ?? matchBlock(block, watch, confirmed), index);
  const droppedTxids = new Set(result.dropped.map((x) => x.txid));
  for (const txid of result.mined) expect(droppedTxids.has(txid)).toBe(false);
  for (const txid of [...result.mined, ...droppedTxids]) expect(index.has(txid)).toBe(false);
  return {
    mined: [...result.mined].sort(),
    dropped: result.dropped.map((x) => `${x.txid.slice(0, 8)} ${x.userId}`).sort(),
    left: [...index.txids()].sort(),
  };
}
const ids = (...txs: Transaction[]) => txs.map((t) => t.getId()).sort();
const pairs = (...ps: [Transaction, string][]) =>
  ps.map(([t, user]) => `${t.getId().slice(0, 8)} ${user}`).sort();

describe('settlePending', () => {
  it('takes out a mined pending transaction, leaving its pending child pending', () => {
    const index = pendingIndex();
    expect(settle([coinbase(), a], index)).toEqual({ mined: ids(a), dropped: [], left: ids(f, b, c, d, e) });
  });

  it('sees a mined pending transaction by its inputs even when the match lists it not', () => {
    const index = pendingIndex();
    const match: BlockMatch = { created: [], spent: [], walletTxs: [] };
    expect(settle([coinbase(), e], index, match).mined).toEqual(ids(e));
    expect(index.has(e.getId())).toBe(false);
  });

  it('drops a conflicted transaction and its descendants, for every user of each', () => {
    const index = pendingIndex();
    // x double-spends b's input; a is mined in the same block; y touches nothing.
    const x = tx([u2], [[STRANGER, 19_000]]);
    const y = tx([{ txid: 'bc'.repeat(32), vout: 0 }], [[STRANGER, 1]]);
    expect(settle([coinbase(), a, x, y], index)).toEqual({
      mined: ids(a),
      dropped: pairs([b, 'alice'], [c, 'alice'], [c, 'bob'], [d, 'bob']),
      left: ids(f, e),
    });
  });

  it('drops the conflicted child of a mined parent, and never the parent', () => {
    const index = pendingIndex();
    // b is mined, but w (not c) spends b's output: c and its child d can never be mined.
    const w = tx([out(b, 0)], [[STRANGER, 19_000]]);
    expect(settle([coinbase(), b, w], index)).toEqual({
      mined: ids(b),
      dropped: pairs([c, 'alice'], [c, 'bob'], [d, 'bob']),
      left: ids(a, f, e),
    });
  });

  it('knows a mined segwit transaction by its txid, not its wtxid', () => {
    const index = pendingIndex();
    const signed = e.clone();
    // The witness is not part of the txid the index holds: the pending entry still matches.
    signed.setWitness(0, [Buffer.alloc(71, 1), Buffer.alloc(33, 2)]);
    expect(signed.getId()).toBe(e.getId());
    expect(settle([coinbase(), signed], index)).toEqual({
      mined: ids(e),
      dropped: [],
      left: ids(a, f, b, c, d),
    });
  });

  it('mines a whole pending chain in one block without dropping any of it', () => {
    const index = pendingIndex();
    expect(settle([coinbase(), b, c, d], index)).toEqual({
      mined: ids(b, c, d),
      dropped: [],
      left: ids(a, f, e),
    });
  });

  it('settles nothing for a block that touches no pending transaction', () => {
    const index = pendingIndex();
    // Same tag as u2's txid (its first four bytes), another txid: only a tag hit.
    const sameTag = tx([{ txid: 'a2'.repeat(4) + '00'.repeat(28), vout: 0 }], [[STRANGER, 1]]);
    const stranger = tx([{ txid: 'bc'.repeat(32), vout: 0 }], [[STRANGER, 1]]);
    expect(settle([coinbase(), sameTag, stranger], index)).toEqual({
      mined: [],
      dropped: [],
      left: ids(a, f, b, c, d, e),
    });
  });

  it('returns at once for an empty index, reading nothing of the block', () => {
    const untouchable = new Proxy({} as BlockTxs, {
      get: (_, key) => {
        throw new Error(`read ${String(key)}`);
      },
    });
    const match = matchBlock(parseBlock(blockOf([coinbase(), a])).txs, watch, confirmed);
    const index = createPendingIndex();
    index.load([]);
    expect(settlePending(untouchable, match, index)).toEqual({ mined: [], dropped: [] });
    expect(index.size).toBe(0);
  });
});
