import { describe, expect, it } from 'vitest';
import type { RecordedEvent } from '#shared/events/types.js';
import { createLogger } from '#shared/logging/logger.js';
import { randomTxHistory } from '../testing/randomTxHistory.js';
import { seededRandom, type SeededRandom } from '#shared/testing/seededRandom.js';
import { activityKey, projectActivities } from './activities.js';
import type { Activity, ActivityChange } from './activity.js';
import { projectBalances } from './balances.js';

const log = createLogger('unit', 'silent');
const SEEDS = Array.from({ length: 150 }, (_, i) => i + 1);

interface Projected {
  rows: Map<string, Activity>;
  changes: ActivityChange[];
  balances: Map<string, { confirmedSats: number; pendingSats: number; txCount: number; version: number }>;
}

/**
 * Applies `events` in consecutive batches cut at `cuts`, carrying the rows from batch to
 * batch as the database would (each batch sees the rows the previous ones wrote) and
 * adding each batch's balance deltas to the stored balance.
 */
function applyInBatches(events: readonly RecordedEvent[], cuts: readonly number[]): Projected {
  const out: Projected = { rows: new Map(), changes: [], balances: new Map() };
  const bounds = [0, ...cuts, events.length];
  for (let i = 0; i + 1 < bounds.length; i++) {
    const batch = events.slice(bounds[i], bounds[i + 1]);
    const result = projectActivities(batch, out.rows, log);
    for (const a of result.activities) out.rows.set(activityKey(a.userId, a.activityId), a);
    out.changes.push(...result.changes);
    for (const d of projectBalances(batch, result.effects)) {
      const b = out.balances.get(d.userId) ?? { confirmedSats: 0, pendingSats: 0, txCount: 0, version: 0 };
      out.balances.set(d.userId, {
        confirmedSats: b.confirmedSats + d.confirmedSats,
        pendingSats: b.pendingSats + d.pendingSats,
        txCount: b.txCount + d.txCount,
        version: d.version,
      });
    }
  }
  return out;
}

function randomCuts(rnd: SeededRandom, length: number): number[] {
  const cuts = new Set<number>();
  const n = rnd.int(1, 12);
  for (let i = 0; i < n; i++) cuts.add(rnd.int(1, length - 1));
  return [...cuts].sort((a, b) => a - b);
}

describe('activities and balances fold, random histories (seeded)', () => {
  it.each(SEEDS)('seed %i: matches the model, and any batch split gives identical rows', (seed) => {
    const rnd = seededRandom(seed);
    const history = randomTxHistory(rnd, { users: 3, txsPerUser: rnd.int(2, 8), steps: rnd.int(40, 200) });
    const whole = applyInBatches(history.events, []);

    // Every row against the model.
    for (const tx of history.txs) {
      const row = whole.rows.get(activityKey(tx.userId, tx.txid));
      if (tx.status === 'unseen') {
        expect(row).toBeUndefined();
        continue;
      }
      expect(row, `seed ${seed} ${tx.txid}`).toMatchObject({
        status: tx.status,
        amountSats: tx.deltaSats,
        blockHash: tx.blockHash,
        blockHeight: tx.blockHeight,
        dropReason: tx.dropReason,
        replacedBy: tx.replacedBy,
        coinbase: tx.coinbase,
        firstSeenAt: tx.firstSeenAt,
      });
    }

    // The balances: the sums of the model's confirmed and pending amounts.
    for (const userId of new Set(history.txs.map((t) => t.userId))) {
      const mine = history.txs.filter((t) => t.userId === userId);
      const sum = (status: string) =>
        mine.filter((t) => t.status === status).reduce((s, t) => s + t.deltaSats, 0);
      const stored = whole.balances.get(userId);
      expect(stored?.confirmedSats ?? 0, `seed ${seed} ${userId} confirmed`).toBe(sum('confirmed'));
      expect(stored?.pendingSats ?? 0, `seed ${seed} ${userId} pending`).toBe(sum('pending'));
      expect(stored?.txCount ?? 0).toBe(mine.filter((t) => t.status === 'confirmed').length);
    }

    // One history row per applied event, none for the events that do not fit.
    expect(whole.changes).toHaveLength(history.events.length - history.misfits);

    // The same events cut into batches at random points: identical rows, history and balances.
    for (let trial = 0; trial < 3; trial++) {
      const split = applyInBatches(history.events, randomCuts(rnd, history.events.length));
      expect(split.rows).toEqual(whole.rows);
      expect(split.changes).toEqual(whole.changes);
      expect(split.balances).toEqual(whole.balances);
    }
  });

  it('the histories exercise every status and some misfits', () => {
    const seen = new Set<string>();
    let misfits = 0;
    for (const seed of SEEDS) {
      const history = randomTxHistory(seededRandom(seed));
      for (const tx of history.txs) if (tx.status !== 'unseen') seen.add(tx.status);
      misfits += history.misfits;
    }
    expect([...seen].sort()).toEqual(['confirmed', 'dropped', 'pending', 'replaced', 'reverted']);
    expect(misfits).toBeGreaterThan(100);
  });
});
