import type { PoolClient } from '#shared/db/pool.js';
import { userIdOfStream, userStream } from '#shared/events/streams.js';
import type { RecordedEvent } from '#shared/events/types.js';
import type { Logger } from '#shared/logging/logger.js';
import {
  deleteActivities,
  insertActivities,
  insertActivityChanges,
  selectActivities,
  upsertActivities,
} from './db/activities.js';
import { insertBalances, upsertBalances } from './db/balances.js';
import { insertSettlementLinks, relabelActivityChanges } from './db/settlementLinks.js';
import { deleteChainBlocks, upsertChainBlocks } from './db/chainBlocks.js';
import { insertDeadLetters } from './db/insertDeadLetters.js';
import { deleteParkedEvents, insertParkedEvents } from './db/parkedEvents.js';
import { lockProjectionShared } from './db/projectionLock.js';
import { saveStreamVersions } from './db/saveStreamVersions.js';
import { selectStreamStates } from './db/selectStreamStates.js';
import { insertStreamAwaits, sweepStreamAwaits } from './db/streamAwaits.js';
import type { ProjectionTables } from '#shared/views/projectionTables.js';
import { recordUserChanges } from './db/userChanges.js';
import { insertUserAddresses, insertUsers, markRescanned } from './db/users.js';
import type { DecodedMessage } from './kafka/decodeMessage.js';
import type { Activity } from './projections/activity.js';
import { activityKey, activityLookup, foldedLinks, projectActivities } from './projections/activities.js';
import { isOrderEvent } from './projections/nextOrderActivity.js';
import { projectBalances } from './projections/balances.js';
import { projectChainTip } from './projections/chainTip.js';
import { projectStreamAwaits } from './projections/streamAwaits.js';
import { projectUserChanges } from './projections/userChanges.js';
import { projectUsers } from './projections/users.js';
import { planStream, type VersionOutcome } from './versioning/planStream.js';

const NOTHING_PARKED: ReadonlyMap<number, RecordedEvent> = new Map();

export interface BatchResult {
  outcomes: VersionOutcome[];
  /** Poison messages recorded now (re-deliveries of known ones are not counted). */
  deadLettered: number;
  applied: number;
}

export interface ApplyOptions {
  tables: ProjectionTables;
  /** The live projector takes the swap lock shared; a rebuild (writing unseen tables) does not. */
  takeSwapLock: boolean;
  log: Logger;
}

/**
 * Applies one batch of one partition inside the caller's transaction: version checks,
 * every projection, parked events, dead letters and the new applied versions, all or
 * nothing. Each table gets at most a statement or two, whatever the batch size.
 */
export async function applyBatch(
  tx: PoolClient,
  messages: readonly DecodedMessage[],
  { tables, takeSwapLock, log }: ApplyOptions,
): Promise<BatchResult> {
  if (takeSwapLock) await lockProjectionShared(tx);

  const byStream = new Map<string, RecordedEvent[]>();
  const deadLetters = [];
  // An order's events write its user's rows: the batch holds that user's stream too.
  const orderUsers = new Set<string>();
  for (const message of messages) {
    if (!message.ok) {
      deadLetters.push(message.deadLetter);
      continue;
    }
    if (isOrderEvent(message.event)) orderUsers.add(userStream(message.event.payload.userId));
    const list = byStream.get(message.event.stream);
    if (list) list.push(message.event);
    else byStream.set(message.event.stream, [message.event]);
  }
  const deadLettered = await insertDeadLetters(tx, tables, deadLetters);
  for (const letter of deadLetters) {
    log.error(
      { stream: letter.stream, version: letter.version, offset: letter.offset, reason: letter.reason },
      'poison event dead-lettered',
    );
  }

  const streams = [...byStream.keys()];
  // Each stream's plan if it turns out new (no row: nothing applied or parked yet), so
  // its row is created at the final version.
  const ifNew = new Map(streams.map((s) => [s, planStream(s, 0, NOTHING_PARKED, byStream.get(s)!)]));
  const { versions, parked, created } = await selectStreamStates(
    tx,
    tables,
    streams,
    [...orderUsers],
    new Map([...ifNew].map(([stream, plan]) => [stream, plan.toVersion])),
  );
  const plans = streams.map((stream) =>
    created.has(stream)
      ? ifNew.get(stream)!
      : planStream(
          stream,
          versions.get(stream) ?? 0,
          parked.get(stream) ?? NOTHING_PARKED,
          byStream.get(stream)!,
        ),
  );
  const toApply = plans.flatMap((p) => p.toApply);
  // Every stream of the batch is held by this transaction since selectStreamStates
  // (row locks until commit), so the per-user rows below can be written without
  // ON CONFLICT; the compare-and-set only guards against a bug.
  await saveStreamVersions(
    tx,
    tables,
    plans
      .filter((p) => p.toVersion !== p.fromVersion && !created.has(p.stream))
      .map((p) => ({ stream: p.stream, expected: p.fromVersion, version: p.toVersion })),
  );

  // A stream with no applied version has no rows of its own yet (a user's balance and
  // transactions, an order's row: written in the transaction that applies the stream's
  // first event): those are not looked up, and balances are inserted rather than upserted.
  const newStreams = new Set(plans.filter((p) => p.fromVersion === 0).map((p) => p.stream));
  const newUsers = new Set([...newStreams].map(userIdOfStream).filter((u) => u !== undefined));
  const current = new Map<string, Activity>(
    (
      await selectActivities(
        tx,
        tables,
        activityLookup(toApply, (s) => newStreams.has(s)),
      )
    ).map((a) => [activityKey(a.userId, a.activityId), a]),
  );

  const activities = projectActivities(toApply, current, log);
  const balances = projectBalances(toApply, activities.effects);
  const chain = projectChainTip(toApply);
  const users = projectUsers(toApply);
  const isStored = (a: Activity) => current.has(activityKey(a.userId, a.activityId));

  await insertUsers(tx, tables, users.users);
  await insertUserAddresses(tx, tables, users.addresses);
  await markRescanned(tx, tables, users.rescanned);
  await insertActivities(
    tx,
    tables,
    activities.activities.filter((a) => !isStored(a)),
  );
  await upsertActivities(tx, tables, activities.activities.filter(isStored));
  await deleteActivities(tx, tables, activities.deleted);
  await insertSettlementLinks(tx, tables, activities.links);
  // Before this batch's history is added: the relabelling is of the stored steps.
  await relabelActivityChanges(tx, tables, foldedLinks(activities));
  await insertActivityChanges(tx, tables, activities.changes);
  await insertBalances(
    tx,
    tables,
    balances.filter((b) => newUsers.has(b.userId)),
  );
  await upsertBalances(
    tx,
    tables,
    balances.filter((b) => !newUsers.has(b.userId)),
  );
  await deleteChainBlocks(tx, tables, chain.disconnected);
  await upsertChainBlocks(tx, tables, chain.connected);
  const chainMoved = chain.connected.length + chain.disconnected.length > 0;
  // After the versions are saved: a wait this very batch meets is not recorded.
  if (chainMoved) {
    await sweepStreamAwaits(tx, tables);
    await insertStreamAwaits(tx, tables, projectStreamAwaits(toApply));
  }
  // The live read model (whose batches take the swap lock) announces its changes to the BFF.
  await recordUserChanges(
    tx,
    tables,
    projectUserChanges(activities, balances, users.users),
    takeSwapLock ? { chainMoved } : undefined,
  );
  await insertParkedEvents(
    tx,
    tables,
    plans.flatMap((p) => p.toPark),
  );
  await deleteParkedEvents(
    tx,
    tables,
    plans.flatMap((p) => p.toUnpark.map((version) => ({ stream: p.stream, version }))),
  );

  return { outcomes: plans.flatMap((p) => p.outcomes), deadLettered, applied: toApply.length };
}
