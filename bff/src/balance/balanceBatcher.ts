import type { BalanceView } from '../db/readBalances.js';

interface Waiter {
  resolve: (balance: BalanceView | undefined) => void;
  reject: (err: unknown) => void;
}

export interface BalanceBatcherOptions {
  /** Reads several users' balances in one statement (one snapshot). */
  readBalances: (userIds: readonly string[]) => Promise<Map<string, BalanceView>>;
  /** At most this many distinct users per statement. */
  maxBatch?: number;
}

/**
 * Coalesces the balance reads of concurrent requests: the reads asked for during one
 * turn of the event loop go to PostgreSQL as one statement (`unnest($1::text[])`), so
 * under load a round trip, a parse of the protocol and a database wake-up serve many
 * requests instead of one. A lone request waits only for the end of the current turn
 * (setImmediate), not for a timer. Each answer is still read in one snapshot with the
 * tip it reflects; a failed statement fails every request of its batch.
 */
export function createBalanceBatcher({ readBalances, maxBatch = 64 }: BalanceBatcherOptions) {
  /** The batch still taking reads; a batch leaves once (full, or at the end of the turn). */
  let pending: Map<string, Waiter[]> | undefined;

  const flush = (batch: Map<string, Waiter[]>) => {
    if (pending !== batch) return; // already sent because it was full
    pending = undefined;
    readBalances([...batch.keys()]).then(
      (balances) => {
        for (const [userId, waiters] of batch) {
          const balance = balances.get(userId);
          for (const waiter of waiters) waiter.resolve(balance);
        }
      },
      (err: unknown) => {
        for (const waiters of batch.values()) for (const waiter of waiters) waiter.reject(err);
      },
    );
  };

  return {
    /** The user's balance, undefined when the read side knows no such user. */
    read(userId: string): Promise<BalanceView | undefined> {
      return new Promise((resolve, reject) => {
        let batch = pending;
        if (!batch) {
          const fresh = new Map<string, Waiter[]>();
          pending = batch = fresh;
          setImmediate(() => flush(fresh));
        }
        const waiters = batch.get(userId);
        if (waiters) waiters.push({ resolve, reject });
        else batch.set(userId, [{ resolve, reject }]);
        // A full batch leaves now; its setImmediate then finds it already sent.
        if (batch.size >= maxBatch) flush(batch);
      });
    },
  };
}

export type BalanceBatcher = ReturnType<typeof createBalanceBatcher>;
