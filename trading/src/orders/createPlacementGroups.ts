import type { Pool, PoolClient } from '#shared/db/pool.js';
import { withTransaction, type Opening } from '#shared/db/withTransaction.js';
import { BEGIN_PLACEMENT } from '../db/housePrice.js';

/** One placement's work inside a transaction begun with BEGIN_PLACEMENT. */
export type PlacementWork<T> = (tx: PoolClient, opening: Opening) => Promise<T>;

export interface PlacementGroups {
  /**
   * Runs `work` in a placement transaction, together with the placements that arrived
   * while every transaction slot was busy. `userId` orders the group's work, so two groups
   * take the same users' locks in the same order.
   */
  run<T>(userId: string, work: PlacementWork<T>): Promise<T>;
}

export interface PlacementGroupOptions {
  /** Placement transactions at once. */
  concurrency: number;
  /** Placements in one transaction at most. */
  maxGroupSize: number;
  /** Told each committed group's size (metrics). */
  onCommit?: (placements: number) => void;
}

interface Waiting {
  userId: string;
  work: PlacementWork<unknown>;
  resolve(value: unknown): void;
  reject(err: unknown): void;
}

/**
 * Group commit for placements. Under load, a placement waiting for a free slot joins the
 * ones waiting with it: they share one transaction (one BEGIN with the price read, one
 * COMMIT) and each costs only its own statements. A placement that fails makes its
 * group roll back whole; it then runs alone and the others again together, so one
 * order's refusal (or a deadlock with another group) never commits its half-done work
 * nor fails another's. Alone, a placement is exactly the single transaction it always was.
 */
export function createPlacementGroups(db: Pool, options: PlacementGroupOptions): PlacementGroups {
  const waiting: Waiting[] = [];
  let running = 0;

  function pump(): void {
    while (running < options.concurrency && waiting.length > 0) {
      const group = waiting.splice(0, options.maxGroupSize);
      running++;
      void runGroup(group).finally(() => {
        running--;
        pump();
      });
    }
  }

  async function runAlone(p: Waiting): Promise<void> {
    try {
      p.resolve(await withTransaction(db, p.work, BEGIN_PLACEMENT));
      options.onCommit?.(1);
    } catch (err) {
      p.reject(err);
    }
  }

  async function runGroup(group: Waiting[]): Promise<void> {
    if (group.length === 1) return runAlone(group[0]!);
    group.sort((a, b) => (a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : 0));
    let failed = -1;
    let results: unknown[];
    try {
      results = await withTransaction(
        db,
        async (tx, opening) => {
          const out: unknown[] = [];
          for (const [i, p] of group.entries()) {
            failed = i;
            out.push(await p.work(tx, opening));
          }
          failed = -1;
          return out;
        },
        BEGIN_PLACEMENT,
      );
    } catch {
      // Rolled back whole: the placement that failed runs alone (its own answer, be it the
      // same refusal or, after a deadlock, a success), the others again as a group.
      if (failed < 0) {
        for (const p of group) await runAlone(p);
        return;
      }
      const [alone] = group.splice(failed, 1);
      await runAlone(alone!);
      return runGroup(group);
    }
    options.onCommit?.(group.length);
    group.forEach((p, i) => p.resolve(results[i]));
  }

  return {
    run<T>(userId: string, work: PlacementWork<T>): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        waiting.push({ userId, work, resolve, reject });
        pump();
      });
    },
  };
}
