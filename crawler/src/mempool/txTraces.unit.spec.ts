import { createHash } from 'node:crypto';
import { Transaction } from 'bitcoinjs-lib';
import { describe, expect, it } from 'vitest';
import { seededRandom } from '#shared/testing/seededRandom.js';
import { joinCandidates, traceOf, type TxTraces } from './txTraces.js';

const scriptOf = (n: number) => Buffer.from('0014' + n.toString(16).padStart(40, '0'), 'hex');
// Random-looking, as real txids are: a tag is a txid's first four bytes.
const foreignTxid = (n: number) => createHash('sha256').update(`foreign ${n}`).digest('hex');

function tx(inputs: { txid: string; vout: number }[], outputs: Buffer[]): Transaction {
  const t = new Transaction();
  for (const i of inputs) t.addInput(Buffer.from(i.txid, 'hex').reverse(), i.vout);
  for (const script of outputs) t.addOutput(script, 1_000n);
  return t;
}

const traced = (txs: Transaction[]) => new Map<string, TxTraces>(txs.map((t) => [t.getId(), traceOf(t)]));

describe('joinCandidates', () => {
  it('finds what pays a joined script, what spends its outputs, and their descendants, and nothing else', () => {
    const pays = tx([{ txid: foreignTxid(1), vout: 0 }], [scriptOf(1), scriptOf(7)]);
    const spends = tx([{ txid: foreignTxid(2), vout: 3 }], [scriptOf(2)]);
    const child = tx([{ txid: pays.getId(), vout: 1 }], [scriptOf(7)]);
    const grandchild = tx([{ txid: child.getId(), vout: 0 }], [scriptOf(4)]);
    // The funding transaction's other output (its payer's change) spent on down a chain,
    // and the payer's change of `pays`: none of them touches the joined address.
    const change = tx([{ txid: foreignTxid(2), vout: 0 }], [scriptOf(5)]);
    const changeChild = tx([{ txid: change.getId(), vout: 0 }], [scriptOf(6)]);
    const paysChange = tx([{ txid: pays.getId(), vout: 0 }], [scriptOf(8)]);
    const strangers = Array.from({ length: 50 }, (_, i) =>
      tx([{ txid: foreignTxid(100 + i), vout: 0 }], [scriptOf(200 + i)]),
    );
    // The grandchild comes first: found in a later pass than its parent.
    const traces = traced([grandchild, ...strangers, changeChild, child, change, paysChange, spends, pays]);
    expect(joinCandidates(traces, [scriptOf(7)], [{ txid: foreignTxid(2), vout: 3 }]).sort()).toEqual(
      [pays, spends, child, grandchild].map((t) => t.getId()).sort(),
    );
    expect(joinCandidates(traces, [scriptOf(999)], [])).toEqual([]);
    // A pending transaction with no traces: whatever it pays, its children may be touched.
    expect(joinCandidates(traces, [], [], [foreignTxid(2)]).sort()).toEqual(
      [spends, change].map((t) => t.getId()).sort(),
    );
  });

  it('misses no transaction that pays or spends from a joined address, whatever the mempool (seeded)', () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const rng = seededRandom(seed);
      const txs: Transaction[] = [];
      for (let k = 0; k < 300; k++) {
        const inputs = Array.from({ length: rng.int(1, 3) }, (_, i) =>
          txs.length > 0 && rng.next() < 0.3
            ? { txid: txs[rng.int(0, txs.length - 1)]!.getId(), vout: 0 }
            : { txid: foreignTxid(1_000 * k + i), vout: i },
        );
        // Scripts from a small range: the joined ones are paid a few times per mempool.
        txs.push(tx(inputs, [scriptOf(rng.int(0, 150)), scriptOf(rng.int(0, 150))]));
      }
      const joined = [scriptOf(17), scriptOf(142)];
      const funding = [
        { txid: foreignTxid(5_000), vout: 0 },
        { txid: foreignTxid(77_001), vout: 1 },
      ];
      const found = new Set(joinCandidates(traced(txs), joined, funding));
      // Every transaction touching them: paying them, or spending an output of theirs,
      // confirmed (funding) or unconfirmed (paid by a transaction in the mempool).
      const touching = new Set<string>();
      const joinedHex = new Set(joined.map((s) => s.toString('hex')));
      const theirs = new Set(funding.map((o) => `${o.txid}:${o.vout}`));
      for (const t of txs) {
        const spent = t.ins.map((i) => `${Buffer.from(i.hash).reverse().toString('hex')}:${i.index}`);
        const paid = t.outs.flatMap((o, v) =>
          joinedHex.has(Buffer.from(o.script).toString('hex')) ? [v] : [],
        );
        if (paid.length > 0 || spent.some((o) => theirs.has(o))) touching.add(t.getId());
        for (const v of paid) theirs.add(`${t.getId()}:${v}`);
      }
      expect(touching.size, `seed ${seed}`).toBeGreaterThan(5);
      for (const txid of touching) expect(found.has(txid), `seed ${seed}`).toBe(true);
      // A few false "maybe"s at most: not the mempool.
      expect(found.size, `seed ${seed}`).toBeLessThan(touching.size + 5);
    }
  });
});
