import { describe, expect, it } from 'vitest';
import { seededRandom, type SeededRandom } from '#shared/testing/seededRandom.js';
import { txidTag } from '../matching/tags.js';
import type { Outpoint, OwnedOutput } from '../matching/types.js';
import { createPendingIndex, type PendingIndex, type PendingTx } from './pendingIndex.js';

const seeded = seededRandom;
type Rng = SeededRandom;

const hex = (rng: Rng, bytes: number) =>
  Array.from({ length: bytes }, () => rng.int(0, 255).toString(16).padStart(2, '0')).join('');
// A txid from few possible first bytes, so that distinct txids often share a tag.
const txidOf = (rng: Rng) => rng.pick(['00000000', 'deadbeef', '01020304']) + hex(rng, 28);

const owned = (txid: string, vout: number, userId = 'alice'): OwnedOutput => ({
  txid,
  vout,
  userId,
  address: `${userId}-${vout}`,
  valueSats: 1000 + vout,
});
const ptx = (txid: string, inputs: Outpoint[], outVouts: number[] = [], users = ['alice']): PendingTx => ({
  txid,
  users,
  inputs,
  outputs: outVouts.map((v) => owned(txid, v)),
});

/**
 * Pending transactions spending confirmed outpoints and each other's outputs (owned or
 * not), no outpoint spent twice: the node's mempool holds no double-spends.
 */
function universe(rng: Rng, n: number): PendingTx[] {
  const confirmed = Array.from({ length: 4 }, () => txidOf(rng));
  const spendable: Outpoint[] = confirmed.flatMap((txid) => [0, 1, 2].map((vout) => ({ txid, vout })));
  const txs: PendingTx[] = [];
  for (let k = 0; k < n && spendable.length > 0; k++) {
    const txid = txidOf(rng);
    const inputs = Array.from(
      { length: rng.int(1, 3) },
      () => spendable.splice(rng.int(0, spendable.length - 1), 1)[0],
    ).filter((o): o is Outpoint => o !== undefined);
    const nOut = rng.int(1, 3);
    const outVouts = [...Array(nOut).keys()].filter(() => rng.next() < 0.6);
    for (let vout = 0; vout < nOut; vout++) spendable.push({ txid, vout });
    txs.push(ptx(txid, inputs, outVouts, rng.next() < 0.5 ? ['alice'] : ['alice', 'bob']));
  }
  return txs;
}

/** The index's answers, recomputed naively from the transactions present. */
function expectMatchesModel(index: PendingIndex, present: Map<string, PendingTx>, all: PendingTx[]): number {
  let deepest = 0;
  expect(index.size).toBe(present.size);
  expect(new Set(index.txids())).toEqual(new Set(present.keys()));
  const outpoints = all.flatMap((t) => [...t.inputs, ...t.outputs]);
  for (const o of outpoints) {
    const spender = [...present.values()].find((t) =>
      t.inputs.some((i) => i.txid === o.txid && i.vout === o.vout),
    );
    expect(index.spenderOf(o.txid, o.vout)).toBe(spender?.txid);
    const out = present.get(o.txid)?.outputs.find((x) => x.vout === o.vout);
    expect(index.output(o.txid, o.vout)).toEqual(out);
  }
  const spentTags = new Set([...present.values()].flatMap((t) => t.inputs.map((i) => txidTag(i.txid))));
  for (const tag of new Set(outpoints.map((o) => txidTag(o.txid)))) {
    expect(index.mayHoldTag(tag)).toBe(spentTags.has(tag));
  }
  for (const t of all) {
    expect(index.has(t.txid)).toBe(present.has(t.txid));
    expect(index.get(t.txid)).toBe(present.get(t.txid));
    const found = new Set<string>();
    const frontier = [t.txid];
    while (frontier.length > 0) {
      const parent = frontier.pop()!;
      for (const c of present.values())
        if (c.txid !== t.txid && !found.has(c.txid) && c.inputs.some((i) => i.txid === parent)) {
          found.add(c.txid);
          frontier.push(c.txid);
        }
    }
    expect(new Set(index.descendants([t.txid]))).toEqual(found);
    deepest = Math.max(deepest, found.size);
  }
  return deepest;
}

describe('createPendingIndex', () => {
  const a = 'aa'.repeat(32);
  const c = 'cc'.repeat(32);

  it('adds, gets, removes, and replaces a transaction added again', () => {
    const index = createPendingIndex();
    const p = ptx('01'.repeat(32), [{ txid: a, vout: 0 }], [1]);
    index.add(p);
    expect([index.size, index.has(p.txid), index.get(p.txid)]).toEqual([1, true, p]);
    expect(index.spenderOf(a, 0)).toBe(p.txid);
    expect(index.output(p.txid, 1)).toEqual(owned(p.txid, 1));
    expect(index.output(p.txid, 0)).toBeUndefined();

    // Added again with other inputs: the old ones are no longer spent.
    const again = ptx(p.txid, [{ txid: c, vout: 2 }], []);
    index.add(again);
    expect([index.size, index.spenderOf(a, 0), index.spenderOf(c, 2)]).toEqual([1, undefined, p.txid]);
    expect([index.mayHoldTag(txidTag(a)), index.output(p.txid, 1)]).toEqual([false, undefined]);

    expect(index.remove(p.txid)).toBe(again);
    expect(index.remove(p.txid)).toBeUndefined();
    expect([index.size, index.has(p.txid), index.spenderOf(c, 2), index.mayHoldTag(txidTag(c))]).toEqual([
      0,
      false,
      undefined,
      false,
    ]);
  });

  it('keeps a tag while another transaction still spends from a txid with it', () => {
    const index = createPendingIndex();
    const sameTag = a.slice(0, 8) + '11'.repeat(28);
    index.add(ptx('01'.repeat(32), [{ txid: a, vout: 0 }]));
    index.add(ptx('02'.repeat(32), [{ txid: sameTag, vout: 0 }]));
    index.remove('01'.repeat(32));
    expect(index.mayHoldTag(txidTag(a))).toBe(true);
    index.remove('02'.repeat(32));
    expect(index.mayHoldTag(txidTag(a))).toBe(false);
  });

  it('finds the transitive spenders of its roots, not the roots, through a diamond', () => {
    // p → l, r (two outputs); d spends both l and r; e spends d; x is unrelated.
    const index = createPendingIndex();
    const [p, l, r, d, e, x] = ['01', '02', '03', '04', '05', '06'].map((b) => b.repeat(32)) as [
      string,
      string,
      string,
      string,
      string,
      string,
    ];
    index.add(ptx(p, [{ txid: a, vout: 0 }], [0, 1]));
    index.add(ptx(l, [{ txid: p, vout: 0 }], [0]));
    index.add(ptx(r, [{ txid: p, vout: 1 }], [0]));
    index.add(
      ptx(
        d,
        [
          { txid: l, vout: 0 },
          { txid: r, vout: 0 },
        ],
        [0],
      ),
    );
    index.add(ptx(e, [{ txid: d, vout: 0 }]));
    index.add(ptx(x, [{ txid: c, vout: 0 }]));
    const sorted = (txids: Iterable<string>) => [...index.descendants(txids)].sort();
    expect(sorted([p])).toEqual([l, r, d, e].sort());
    expect(sorted([l])).toEqual([d, e].sort());
    expect(sorted([p, l])).toEqual([r, d, e].sort());
    expect(sorted([e, x])).toEqual([]);
    // Spenders of a confirmed txid are found too.
    expect(sorted([a])).toEqual([p, l, r, d, e].sort());
    index.remove(d);
    expect(sorted([p])).toEqual([l, r].sort());
  });

  it('load replaces everything and clears stale; markStale sets it again', () => {
    const index = createPendingIndex();
    expect(index.stale).toBe(true);
    index.add(ptx('01'.repeat(32), [{ txid: a, vout: 0 }], [0]));
    const q = ptx('02'.repeat(32), [{ txid: c, vout: 1 }], [0]);
    index.load([q]);
    expect([index.stale, index.size, index.has('01'.repeat(32)), index.get(q.txid)]).toEqual([
      false,
      1,
      false,
      q,
    ]);
    expect([index.spenderOf(a, 0), index.mayHoldTag(txidTag(a)), index.output('01'.repeat(32), 0)]).toEqual([
      undefined,
      false,
      undefined,
    ]);
    expect([index.spenderOf(c, 1), index.mayHoldTag(txidTag(c))]).toEqual([q.txid, true]);
    expect(index.descendants([a])).toEqual([]);
    index.markStale();
    expect([index.stale, index.size]).toEqual([true, 1]);
    index.load([]);
    expect([index.stale, index.size, index.spenderOf(c, 1)]).toEqual([false, 0, undefined]);
  });

  it.each([1, 2, 3, 42, 1234])(
    'stays equal to a naive model over random adds and removes (seed %i)',
    (seed) => {
      const rng = seeded(seed);
      const all = universe(rng, 14);
      const index = createPendingIndex();
      const present = new Map<string, PendingTx>();
      for (let step = 0; step < 60; step++) {
        const t = rng.pick(all);
        const r = rng.next();
        if (r < 0.5) {
          // Adding one already present re-adds it (as a reload would).
          index.add(t);
          present.set(t.txid, t);
        } else {
          expect(index.remove(t.txid)).toBe(present.get(t.txid));
          present.delete(t.txid);
        }
        expectMatchesModel(index, present, all);
      }
      // Removing the rest in random order empties every structure.
      const rest = rng.shuffle([...present.keys()]);
      for (const txid of rest) {
        index.remove(txid);
        present.delete(txid);
        expectMatchesModel(index, present, all);
      }
    },
  );
});
