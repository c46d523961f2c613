import type { Logger } from '#shared/logging/logger.js';
import type { RecordedEvent, TxConfirmed, TxDropped, TxPending, TxReverted } from '#shared/events/types.js';
import type { BalanceEffect, ChainActivityType, TxActivity } from './activity.js';

export type TxEvent =
  | RecordedEvent<TxPending>
  | RecordedEvent<TxConfirmed>
  | RecordedEvent<TxReverted>
  | RecordedEvent<TxDropped>;

export function isTxEvent(event: RecordedEvent): event is TxEvent {
  return (
    event.type === 'TxConfirmed' ||
    event.type === 'TxReverted' ||
    event.type === 'TxPending' ||
    event.type === 'TxDropped'
  );
}

/**
 * How an activity is labelled, as a wallet shows it:
 * - `receive`: the user spent nothing in it (or, having spent, still gained: a
 *   collaborative transaction that netted positive);
 * - `self`: the user spent and every output came back to the user's own addresses
 *   (a move between own addresses or a consolidation: the net is minus the fee);
 * - `withdrawal`: the user spent and paid someone else (change coming back does not matter).
 * The amount is always the signed net delta, so the balance arithmetic never depends
 * on the label.
 */
export function activityType(
  tx: Pick<TxConfirmed['payload'], 'sentSats' | 'paidToOthersSats' | 'deltaSats'>,
): ChainActivityType {
  if (tx.sentSats === 0) return 'receive';
  if (tx.paidToOthersSats === 0) return 'self';
  return tx.deltaSats < 0 ? 'withdrawal' : 'receive';
}

export interface Step {
  after: TxActivity;
  effect?: BalanceEffect;
}

const earliest = (a: string, b: string): string => (Date.parse(b) < Date.parse(a) ? b : a);
/** ISO 8601 in UTC with milliseconds, as rows read back from PostgreSQL are. */
const iso = (time: string): string => new Date(time).toISOString();

/**
 * One event applied to one transaction's state (`before`, undefined when there is none) —
 * a chain row, or the settlement state an order row carries (see projectActivities);
 * undefined when the event does not fit the row's state — logged, nothing changes,
 * because applying it would count money twice or remove money never counted.
 */
export function nextActivity(
  userId: string,
  before: TxActivity | undefined,
  event: TxEvent,
  log: Logger,
): Step | undefined {
  const { txid } = event.payload;
  const status = before?.status ?? 'unknown';
  const at = event.occurredAt;

  switch (event.type) {
    case 'TxPending': {
      // Pending again after a revert, or back in the mempool after a drop; restated over a
      // pending row when its figures changed (an address that joined later is paid or
      // spent by it too: the pending amount moves by the difference); never over a
      // confirmed row (its block counts it), nor a pending one with the same figures.
      const p = event.payload;
      const restated = before?.status === 'pending';
      // Told by the amount: a joined address moves it, unless it received and sent the same
      // sum in it — then only the label could change, and the row keeps its own.
      if (before?.status === 'confirmed' || (restated && before.amountSats === p.deltaSats)) {
        log.warn({ userId, txid, status }, 'pending event for a transaction already counted, ignored');
        return undefined;
      }
      const seen = iso(p.firstSeenAt);
      const after: TxActivity = {
        userId,
        activityId: txid,
        txid,
        type: activityType(p),
        amountSats: p.deltaSats,
        status: 'pending',
        blockHash: null,
        blockHeight: null,
        dropReason: null,
        replacedBy: null,
        coinbase: before?.coinbase ?? false,
        replaceable: p.replaceable,
        firstSeenAt: before ? earliest(before.firstSeenAt, seen) : seen,
        updatedAt: at,
        order: null,
      };
      const pendingSats = p.deltaSats - (restated ? before.amountSats : 0);
      return { after, effect: { userId, confirmedSats: 0, pendingSats, txCount: 0 } };
    }

    case 'TxConfirmed': {
      const p = event.payload;
      if (before?.status === 'confirmed') {
        // Confirmed twice without a revert between: the writer's bug, not a second payment.
        log.warn(
          { userId, txid, from: before.blockHash, to: p.blockHash },
          'confirmed again without a revert',
        );
        return {
          after: { ...before, blockHash: p.blockHash, blockHeight: p.height, updatedAt: at },
        };
      }
      const after: TxActivity = {
        userId,
        activityId: txid,
        txid,
        type: activityType(p),
        amountSats: p.deltaSats,
        status: 'confirmed',
        blockHash: p.blockHash,
        blockHeight: p.height,
        dropReason: null,
        replacedBy: null,
        coinbase: p.coinbase ?? false,
        replaceable: before?.replaceable ?? null,
        firstSeenAt: before?.firstSeenAt ?? at,
        updatedAt: at,
        order: null,
      };
      // Mined while pending: the block supersedes the mempool entry.
      const pendingSats = before?.status === 'pending' ? -before.amountSats : 0;
      return { after, effect: { userId, confirmedSats: p.deltaSats, pendingSats, txCount: 1 } };
    }

    case 'TxReverted': {
      const p = event.payload;
      if (before?.status !== 'confirmed' || before.blockHash !== p.blockHash) {
        // Nothing of this revert's block is counted: undoing it would invent money.
        log.warn(
          { userId, txid, blockHash: p.blockHash, status, counted: before?.blockHash },
          'revert of a transaction not confirmed in that block, ignored',
        );
        return undefined;
      }
      // Undo the stored amount, not the revert's own number.
      const after: TxActivity = {
        ...before,
        status: 'reverted',
        blockHash: null,
        blockHeight: null,
        updatedAt: at,
      };
      return {
        after,
        effect: { userId, confirmedSats: -before.amountSats, pendingSats: 0, txCount: -1 },
      };
    }

    case 'TxDropped': {
      const p = event.payload;
      if (before?.status !== 'pending') {
        log.warn({ userId, txid, status, reason: p.reason }, 'drop of a transaction not pending, ignored');
        return undefined;
      }
      const after: TxActivity = {
        ...before,
        status: p.reason === 'replaced' ? 'replaced' : 'dropped',
        dropReason: p.reason,
        replacedBy: p.replacedBy ?? null,
        updatedAt: at,
      };
      return {
        after,
        effect: { userId, confirmedSats: 0, pendingSats: -before.amountSats, txCount: 0 },
      };
    }
  }
}
