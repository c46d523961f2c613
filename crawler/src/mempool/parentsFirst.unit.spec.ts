import { Transaction } from 'bitcoinjs-lib';
import { describe, expect, it } from 'vitest';
import { seededRandom, type SeededRandom } from '#shared/testing/seededRandom.js';
import type { MempoolOp } from './mempoolOp.js';
import { displayTxid } from './matchMempoolTx.js';
import { parentsFirst } from './parentsFirst.js';

const seeded = seededRandom;
type Rng = SeededRandom;

const script = Buffer.from('0014' + '11'.repeat(20), 'hex');
const foreignTxid = (n: number) => n.toString(16).padStart(64, 'f');

// `salt` sets the output values: transactions spending the same prevouts still differ.
function tx(inputs: { txid: string; vout: number }[], salt = 0): Transaction {
  const t = new Transaction();
  for (const i of inputs) t.addInput(Buffer.from(i.txid, 'hex').reverse(), i.vout);
  for (let v = 0; v < 2; v++) t.addOutput(script, BigInt(1000 * salt + v));
  return t;
}

/** Transactions in creation order: each spends outputs of earlier ones (diamonds included) or foreign ones. */
function dag(rng: Rng, n: number): Transaction[] {
  const txs: Transaction[] = [];
  for (let k = 0; k < n; k++) {
    const inputs = Array.from({ length: rng.int(1, 3) }, (_, i) =>
      txs.length > 0 && rng.next() < 0.7
        ? { txid: txs[rng.int(0, txs.length - 1)]!.getId(), vout: rng.int(0, 1) }
        : { txid: foreignTxid(k), vout: i },
    );
    txs.push(tx(inputs, k));
  }
  return txs;
}

const add = (txid: string): MempoolOp => ({ kind: 'add', txid });
const remove = (txid: string): MempoolOp => ({ kind: 'remove', txid });
const fetched = (txs: Transaction[]) => new Map(txs.map((t) => [t.getId(), t]));

/** Removes interleaved at random places among `adds`, keeping the adds' order. */
function interleave(rng: Rng, adds: MempoolOp[], removes: MempoolOp[]): MempoolOp[] {
  const out = [...adds];
  for (const r of removes) out.splice(rng.int(0, out.length), 0, r);
  return out;
}

function expectParentsFirst(ops: MempoolOp[], out: MempoolOp[], txs: ReadonlyMap<string, Transaction>) {
  // A permutation of the very op objects.
  expect(out).toHaveLength(ops.length);
  expect(new Set(out)).toEqual(new Set(ops));
  const at = new Map(out.map((op, i) => [op, i]));
  const addAt = new Map(out.flatMap((op, i) => (op.kind === 'add' ? [[op.txid, i] as const] : [])));
  for (const [i, op] of out.entries()) {
    if (op.kind !== 'add') continue;
    for (const input of txs.get(op.txid)?.ins ?? []) {
      const parent = addAt.get(displayTxid(input.hash));
      if (parent !== undefined && txs.has(displayTxid(input.hash))) expect(parent).toBeLessThan(i);
    }
  }
  const removes = ops.filter((op) => op.kind === 'remove');
  expect(removes.map((op) => at.get(op)!)).toEqual(
    [...removes.map((op) => at.get(op)!)].sort((a, b) => a - b),
  );
}

describe('parentsFirst', () => {
  it('puts a parent’s add before its child’s, through a chain and a diamond', () => {
    const p = tx([{ txid: foreignTxid(1), vout: 0 }]);
    const l = tx([{ txid: p.getId(), vout: 0 }]);
    const r = tx([{ txid: p.getId(), vout: 1 }]);
    const d = tx([
      { txid: r.getId(), vout: 0 },
      { txid: l.getId(), vout: 0 },
    ]);
    const txs = fetched([p, l, r, d]);
    const ops = [add(d.getId()), remove(foreignTxid(9)), add(r.getId()), add(l.getId()), add(p.getId())];
    expect(parentsFirst(ops, txs).map((op) => op.txid)).toEqual([
      p.getId(),
      r.getId(),
      l.getId(),
      d.getId(),
      foreignTxid(9),
    ]);
  });

  it('puts a rematched parent before the child added with it, and an added parent before a rematched child', () => {
    const p = tx([{ txid: foreignTxid(1), vout: 0 }]);
    const c = tx([{ txid: p.getId(), vout: 0 }]);
    const g = tx([{ txid: c.getId(), vout: 0 }]);
    const rematch = (txid: string): MempoolOp => ({ kind: 'rematch', txid });
    const ops = [rematch(g.getId()), add(c.getId()), rematch(p.getId())];
    expect(parentsFirst(ops, fetched([p, c, g])).map((op) => [op.kind, op.txid])).toEqual([
      ['rematch', p.getId()],
      ['add', c.getId()],
      ['rematch', g.getId()],
    ]);
  });

  it('leaves an add whose transaction was not fetched in place, and does not wait for it', () => {
    const p = tx([{ txid: foreignTxid(1), vout: 0 }]);
    const c = tx([{ txid: p.getId(), vout: 0 }]);
    // p vanished before it was fetched: nothing to match it against, c keeps its place.
    const ops = [add(c.getId()), add(p.getId())];
    expect(parentsFirst(ops, fetched([c]))).toEqual(ops);
  });

  it.each([1, 2, 3, 7, 99, 2024])('orders a shuffled random DAG parents first (seed %i)', (seed) => {
    const rng = seeded(seed);
    const txs = dag(rng, 12);
    const map = fetched(txs);
    const removes = [
      ...Array.from({ length: 4 }, (_, i) => remove(foreignTxid(100 + i))),
      // Removes of batch transactions too: they must not move relative to other removes.
      remove(txs[rng.int(0, txs.length - 1)]!.getId()),
    ];
    const shuffled = interleave(rng, rng.shuffle(txs.map((t) => add(t.getId()))), removes);
    expectParentsFirst(shuffled, parentsFirst(shuffled, map), map);
  });

  it.each([4, 5, 6, 8])('returns ops already parents first unchanged (seed %i)', (seed) => {
    const rng = seeded(seed);
    const txs = dag(rng, 12);
    const ordered = interleave(
      rng,
      txs.map((t) => add(t.getId())),
      Array.from({ length: 4 }, (_, i) => remove(foreignTxid(200 + i))),
    );
    expect(parentsFirst(ordered, fetched(txs))).toEqual(ordered);
  });

  // ZMQ A p, A c, R c, R p, A p, A c in one drain: pulling the later re-add of p ahead of
  // its removal would leave p dropped while the node holds it, and c pending without it.
  it('keeps a parent removed and added again in its place', () => {
    const p = tx([{ txid: foreignTxid(1), vout: 0 }]);
    const c = tx([{ txid: p.getId(), vout: 0 }]);
    const ops = [
      add(p.getId()),
      add(c.getId()),
      remove(c.getId()),
      remove(p.getId()),
      add(p.getId()),
      add(c.getId()),
    ];
    expect(parentsFirst(ops, fetched([p, c]))).toEqual(ops);
  });
});
