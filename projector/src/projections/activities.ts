import type { Logger } from '#shared/logging/logger.js';
import type { RecordedEvent } from '#shared/events/types.js';
import { userIdOfStream } from '#shared/events/streams.js';
import type { Activity, ActivityChange, BalanceEffect, TxActivity } from './activity.js';
import { isTxEvent, nextActivity } from './nextActivity.js';
import {
  isOrderEvent,
  nextOrderActivity,
  orderActivityId,
  settlementState,
  withSettlement,
} from './nextOrderActivity.js';

export interface ActivitiesResult {
  /** The final state of every activity the batch touched and kept, in first-touched order. */
  activities: Activity[];
  /** Chain rows folded into an order row (their settlement link arrived after them). */
  deleted: { userId: string; activityId: string }[];
  /** The settlement links the batch made: the user's transaction settles that order. */
  links: { userId: string; txid: string; orderId: string }[];
  changes: ActivityChange[];
  effects: BalanceEffect[];
}

/** The map key of a user's row: (user, activity id); a chain row's activity id is its txid. */
export const activityKey = (userId: string, activityId: string) => `${userId}\u0000${activityId}`;

/** The keys a batch's rows are looked up by (see selectActivities). */
export interface ActivityLookup {
  /** Order rows and the chain rows settlement links may fold, by activity id. */
  rows: { userId: string; activityId: string }[];
  /** Transactions of chain events: the order row they are linked to, else their own row. */
  txs: { userId: string; txid: string }[];
}

/**
 * What projectActivities needs loaded for `events`: for each chain event its transaction's
 * row (or the linked order row), for each order event its order row and, for a
 * SettlementBroadcast, the user's row of that transaction. Users and orders whose streams
 * have nothing applied yet (`isNewStream`) have no rows of their own to look up; a new
 * user's transaction may still be linked to an order row, so transactions are always looked up.
 */
export function activityLookup(
  events: readonly RecordedEvent[],
  isNewStream: (stream: string) => boolean,
): ActivityLookup {
  const rows = new Map<string, { userId: string; activityId: string }>();
  const txs = new Map<string, { userId: string; txid: string }>();
  for (const event of events) {
    if (isTxEvent(event)) {
      const userId = userIdOfStream(event.stream);
      if (userId !== undefined)
        txs.set(activityKey(userId, event.payload.txid), { userId, txid: event.payload.txid });
    } else if (isOrderEvent(event)) {
      const { userId, orderId } = event.payload;
      if (!isNewStream(event.stream)) {
        const activityId = orderActivityId(orderId);
        rows.set(activityKey(userId, activityId), { userId, activityId });
      }
      if (event.type === 'SettlementBroadcast') {
        const activityId = event.payload.txid;
        rows.set(activityKey(userId, activityId), { userId, activityId });
      }
    }
  }
  return { rows: [...rows.values()], txs: [...txs.values()] };
}

/**
 * Folds the applied events of a batch over the current rows (`current`, keyed by
 * activityKey, loaded as activityLookup says). Two sources build the rows:
 *  - transaction events (TxPending, TxConfirmed, TxReverted, TxDropped; a user's stream)
 *    move one transaction along pending → confirmed → reverted → … or pending → replaced /
 *    dropped (see nextActivity); the balance effects undo exactly what the previous state
 *    counted, so a revert or a drop returns the balance to where it was;
 *  - order events (an order's stream) make the order's row and move it open → filled
 *    (settling) / cancelled / rejected (see nextOrderActivity).
 * A SettlementBroadcast links its transaction to the order: from then on the
 * transaction's events move the order row's settlement (status, block, delta) and make no
 * row of their own, and a row they made before the link is folded into the order row and
 * deleted, its history relabelled. The transaction's state is the same whichever came
 * first, so the final rows are too. Balances stay chain-derived: the effects are the
 * transaction's either way. Every step is kept in `changes` (an order's own steps with
 * the order's status); an event that does not fit the row's state is logged and changes
 * nothing.
 */
export function projectActivities(
  events: readonly RecordedEvent[],
  current: ReadonlyMap<string, Activity>,
  log: Logger,
): ActivitiesResult {
  const state = new Map(current);
  /** (user, txid) → the key of the order row that transaction settles. */
  const linked = new Map<string, string>();
  for (const [key, row] of current) {
    if (row.order && row.txid !== null) linked.set(activityKey(row.userId, row.txid), key);
  }
  const touched = new Set<string>();
  const deleted = new Map<string, { userId: string; activityId: string }>();
  const links: ActivitiesResult['links'] = [];
  const changes: ActivityChange[] = [];
  const effects: BalanceEffect[] = [];

  for (const event of events) {
    if (isTxEvent(event)) {
      const userId = userIdOfStream(event.stream);
      if (userId === undefined) continue;
      const { txid } = event.payload;
      const orderKey = linked.get(activityKey(userId, txid));
      const orderRow = orderKey === undefined ? undefined : state.get(orderKey)!;
      const key = orderKey ?? activityKey(userId, txid);
      const before = orderRow ? settlementState(orderRow) : (state.get(key) as TxActivity | undefined);
      const step = nextActivity(userId, before, event, log);
      if (!step) continue;
      const { after, effect } = step;
      if (effect) effects.push(effect);
      const row = orderRow ? withSettlement(orderRow, after) : after;
      state.set(key, row);
      touched.add(key);
      const block =
        event.type === 'TxConfirmed' || event.type === 'TxReverted'
          ? { blockHash: event.payload.blockHash, blockHeight: event.payload.height }
          : { blockHash: null, blockHeight: null };
      changes.push({
        userId,
        stream: event.stream,
        version: event.version,
        activityId: row.activityId,
        txid,
        status: after.status,
        amountSats: after.amountSats,
        ...block,
        dropReason: after.dropReason,
        replacedBy: after.replacedBy,
        occurredAt: event.occurredAt,
      });
      continue;
    }

    if (!isOrderEvent(event)) continue;
    const { userId, orderId } = event.payload;
    const key = activityKey(userId, orderActivityId(orderId));
    let chainRow: TxActivity | undefined;
    if (event.type === 'SettlementBroadcast') {
      const txKey = activityKey(userId, event.payload.txid);
      const other = linked.get(txKey);
      if (other !== undefined) {
        log.warn(
          { userId, orderId, txid: event.payload.txid },
          'transaction already settles another order, ignored',
        );
        continue;
      }
      chainRow = state.get(txKey) as TxActivity | undefined;
    }
    const step = nextOrderActivity(state.get(key), event, chainRow, log);
    if (!step) continue;
    const { after, folded } = step;
    state.set(key, after);
    touched.add(key);
    if (event.type === 'SettlementBroadcast') {
      const { txid } = event.payload;
      const txKey = activityKey(userId, txid);
      linked.set(txKey, key);
      links.push({ userId, txid, orderId });
      if (folded) {
        state.delete(txKey);
        touched.delete(txKey);
        if (current.has(txKey)) deleted.set(txKey, { userId, activityId: txid });
        // The transaction's steps so far now belong to the order row (the stored ones are
        // relabelled by the link in the database).
        for (const change of changes) {
          if (change.userId === userId && change.activityId === txid) change.activityId = after.activityId;
        }
      }
    }
    changes.push({
      userId,
      stream: event.stream,
      version: event.version,
      activityId: after.activityId,
      txid: after.txid,
      // The order's own step: the settlement's status comes with its chain steps.
      status: event.type === 'SettlementBroadcast' ? 'settling' : after.status,
      amountSats: after.amountSats,
      blockHash: null,
      blockHeight: null,
      dropReason: null,
      replacedBy: null,
      occurredAt: event.occurredAt,
    });
  }

  return {
    activities: [...touched].map((k) => state.get(k)!),
    deleted: [...deleted.values()],
    links,
    changes,
    effects,
  };
}

/** The links whose transaction had a stored chain row, folded (and deleted) by this batch. */
export function foldedLinks({ links, deleted }: ActivitiesResult): ActivitiesResult['links'] {
  const folded = new Set(deleted.map((d) => activityKey(d.userId, d.activityId)));
  return links.filter((l) => folded.has(activityKey(l.userId, l.txid)));
}
