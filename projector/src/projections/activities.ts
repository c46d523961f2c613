import type { Logger } from '#shared/logging/logger.js';
import type { RecordedEvent, TxConfirmed, TxReverted } from '#shared/events/types.js';
import { userIdOfStream } from '#shared/events/streams.js';

export type ActivityType = 'receive' | 'send' | 'self';
export type ActivityStatus = 'confirmed' | 'reverted';

/** One row of `activities`: a user's view of one transaction. */
export interface Activity {
  userId: string;
  txid: string;
  type: ActivityType;
  amountSats: number;
  status: ActivityStatus;
  /** The block it is confirmed in; null while reverted (it is in no block of the main chain). */
  blockHash: string | null;
  blockHeight: number | null;
  firstSeenAt: string;
  updatedAt: string;
}

/** One row of `activity_changes`: the activity's state after one event. */
export interface ActivityChange {
  userId: string;
  txid: string;
  version: number;
  status: ActivityStatus;
  amountSats: number;
  blockHash: string;
  blockHeight: number;
  occurredAt: string;
}

/** A change of what counts towards a user's confirmed balance; balances fold these. */
export interface BalanceEffect {
  userId: string;
  confirmedSats: number;
  txCount: number;
}

export interface ActivitiesResult {
  /** The final state of every activity the batch touched, in first-touched order. */
  activities: Activity[];
  changes: ActivityChange[];
  effects: BalanceEffect[];
}

export const activityKey = (userId: string, txid: string) => `${userId}\u0000${txid}`;

type TxEvent = RecordedEvent<TxConfirmed> | RecordedEvent<TxReverted>;

export function isTxEvent(event: RecordedEvent): event is TxEvent {
  return event.type === 'TxConfirmed' || event.type === 'TxReverted';
}

/**
 * How an activity is labelled, as a wallet shows it:
 * - `receive`: the user spent nothing in it (or, having spent, still gained: a
 *   collaborative transaction that netted positive);
 * - `self`: the user spent and every output came back to the user's own addresses
 *   (a move between own addresses or a consolidation: the net is minus the fee);
 * - `send`: the user spent and paid someone else (change coming back does not matter).
 * The amount is always the signed net delta, so the balance arithmetic never depends
 * on the label.
 */
export function activityType(tx: TxConfirmed['payload']): ActivityType {
  if (tx.sentSats === 0) return 'receive';
  if (tx.paidToOthersSats === 0) return 'self';
  return tx.deltaSats < 0 ? 'send' : 'receive';
}

/**
 * Folds the applied TxConfirmed/TxReverted events of a batch over the current rows
 * (`current`, loaded for exactly the keys touched). A revert undoes what the confirm
 * did — the stored amount, not the revert's own number — so the balance returns to
 * exactly where it was; re-mined in another block, the activity is confirmed again
 * there, and every step is kept in `changes`.
 */
export function projectActivities(
  events: readonly RecordedEvent[],
  current: ReadonlyMap<string, Activity>,
  log: Logger,
): ActivitiesResult {
  const state = new Map(current);
  const touched = new Set<string>();
  const changes: ActivityChange[] = [];
  const effects: BalanceEffect[] = [];

  for (const event of events) {
    if (!isTxEvent(event)) continue;
    const userId = userIdOfStream(event.stream);
    if (userId === undefined) continue;
    const { txid, blockHash, height } = event.payload;
    const key = activityKey(userId, txid);
    const before = state.get(key);

    if (event.type === 'TxConfirmed') {
      const counted = before?.status === 'confirmed' ? before : undefined;
      const after: Activity = {
        userId,
        txid,
        type: counted?.type ?? activityType(event.payload),
        amountSats: counted?.amountSats ?? event.payload.deltaSats,
        status: 'confirmed',
        blockHash,
        blockHeight: height,
        firstSeenAt: before?.firstSeenAt ?? event.occurredAt,
        updatedAt: event.occurredAt,
      };
      if (counted) {
        // Confirmed twice without a revert between: the writer's bug, not a second payment.
        log.warn(
          { userId, txid, from: counted.blockHash, to: blockHash },
          'confirmed again without a revert',
        );
      } else {
        effects.push({ userId, confirmedSats: after.amountSats, txCount: 1 });
      }
      state.set(key, after);
      touched.add(key);
      changes.push(change(after, event.version, blockHash, height, event.occurredAt));
      continue;
    }

    if (before?.status !== 'confirmed' || before.blockHash !== blockHash) {
      // Nothing of this revert's block is counted: undoing it would invent money.
      log.warn(
        { userId, txid, blockHash, status: before?.status ?? 'unknown', counted: before?.blockHash },
        'revert of a transaction not confirmed in that block, ignored',
      );
      continue;
    }
    const after: Activity = {
      ...before,
      status: 'reverted',
      blockHash: null,
      blockHeight: null,
      updatedAt: event.occurredAt,
    };
    effects.push({ userId, confirmedSats: -before.amountSats, txCount: -1 });
    state.set(key, after);
    touched.add(key);
    changes.push(change(after, event.version, blockHash, height, event.occurredAt));
  }

  return { activities: [...touched].map((k) => state.get(k)!), changes, effects };
}

function change(
  activity: Activity,
  version: number,
  blockHash: string,
  blockHeight: number,
  occurredAt: string,
): ActivityChange {
  return {
    userId: activity.userId,
    txid: activity.txid,
    version,
    status: activity.status,
    amountSats: activity.amountSats,
    blockHash,
    blockHeight,
    occurredAt,
  };
}
