import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Kafka } from 'kafkajs';
import { Registry } from 'prom-client';
import type { Pool } from '#shared/db/pool.js';
import { inTransaction } from '#shared/db/withTransaction.js';
import type { Logger } from '#shared/logging/logger.js';
import { createProjector, type Projector } from '../createProjector.js';
import { lockProjectionExclusive } from '../db/projectionLock.js';
import {
  createProjectionSchema,
  dropProjectionSchema,
  swapProjectionSchemas,
} from '../db/projectionSchemas.js';
import { PROJECTION_SCHEMA } from '#shared/views/projectionTables.js';
import { createProjectorMetrics } from '../metrics.js';

export interface RebuildConfig {
  topic: string;
  /** The live group id; the rebuild consumes in a new group derived from it. */
  groupId: string;
  liveSchema?: string;
  /** Keep the replaced tables as `<live>_old_<stamp>` instead of dropping them. */
  keepOld?: boolean;
  maxWaitTimeInMs?: number;
  partitionsConsumedConcurrently?: number;
}

export interface RebuildResult {
  rebuildGroupId: string;
  /** The replaced tables' schema, or null when dropped. */
  retiredSchema: string | null;
  eventsApplied: number;
  /** Per partition, the high watermark the new tables were caught up to at the swap. */
  swappedAt: Record<number, number>;
  durationMs: number;
}

type Watermarks = { partition: number; high: number; low: number }[];

/**
 * Rebuild: replay the whole topic in a new consumer group into a fresh schema, then
 * switch readers to it in one step.
 *
 * 1. Fill `<live>_rebuild_<stamp>` from offset 0 until it reaches the topic's high
 *    watermarks (no lock: nobody reads these tables yet).
 * 2. In one transaction take the swap lock exclusively — the live projector takes it
 *    shared in every batch, so from here no live batch runs — read the watermarks
 *    again, let the rebuild catch up to them, stop it, and rename the schemas
 *    (live → retired, rebuild → live). Commit: readers see the new tables at once.
 * 3. The live projector goes on from its own committed offsets against the new tables:
 *    everything below the watermarks is already there, so its stream versions make it
 *    a duplicate; everything after is new to both and applied once.
 */
export async function rebuildProjection({
  db,
  kafka,
  log: parentLog,
  config,
  signal,
}: {
  db: Pool;
  kafka: Kafka;
  log: Logger;
  config: RebuildConfig;
  signal?: AbortSignal;
}): Promise<RebuildResult> {
  const started = Date.now();
  const live = config.liveSchema ?? PROJECTION_SCHEMA;
  const stamp = `${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;
  const next = `${live}_rebuild_${stamp}`;
  const retired = `${live}_old_${stamp}`;
  const rebuildGroupId = `${config.groupId}-rebuild-${stamp}`;
  const log = parentLog.child({ component: 'rebuild', schema: next, groupId: rebuildGroupId });

  const metrics = createProjectorMetrics(new Registry());
  const admin = kafka.admin();
  await admin.connect();
  let swapped = false;
  let rebuilder: Projector | undefined;
  try {
    await createProjectionSchema(db, next);
    rebuilder = createProjector({
      db,
      kafka,
      log,
      metrics,
      config: {
        topic: config.topic,
        groupId: rebuildGroupId,
        schema: next,
        takeSwapLock: false,
        maxWaitTimeInMs: config.maxWaitTimeInMs ?? 200,
        partitionsConsumedConcurrently: config.partitionsConsumedConcurrently ?? 3,
      },
    });
    await rebuilder.start();
    const first = await watermarks(admin, config.topic);
    log.info({ watermarks: first }, 'replaying the topic into fresh tables');
    await caughtUp(rebuilder, first, log, signal);

    const swappedAt = await inTransactionOn(db, async (tx) => {
      await lockProjectionExclusive(tx);
      const marks = await watermarks(admin, config.topic);
      await caughtUp(rebuilder!, marks, log, signal);
      await rebuilder!.close();
      await swapProjectionSchemas(tx, { live, next, retired });
      return Object.fromEntries(marks.map((m) => [m.partition, m.high]));
    });
    swapped = true;
    log.info({ live, retired, swappedAt }, 'rebuilt tables swapped in');

    if (!config.keepOld) await dropProjectionSchema(db, retired);
    const { values } = await metrics.events.get();
    const eventsApplied = values
      .filter((v) => v.labels.outcome === 'applied')
      .reduce((s, v) => s + v.value, 0);
    return {
      rebuildGroupId,
      retiredSchema: config.keepOld ? retired : null,
      eventsApplied,
      swappedAt,
      durationMs: Date.now() - started,
    };
  } finally {
    await rebuilder?.close().catch(() => undefined);
    if (!swapped) await dropProjectionSchema(db, next).catch(() => undefined);
    // The group was only for this replay; leaving it would show as a stale consumer.
    await admin.deleteGroups([rebuildGroupId]).catch(() => undefined);
    await admin.disconnect();
  }
}

async function watermarks(admin: ReturnType<Kafka['admin']>, topic: string): Promise<Watermarks> {
  const offsets = await admin.fetchTopicOffsets(topic);
  return offsets.map((o) => ({ partition: o.partition, high: Number(o.high), low: Number(o.low) }));
}

async function caughtUp(
  projector: Projector,
  marks: Watermarks,
  log: Logger,
  signal?: AbortSignal,
): Promise<void> {
  let lastLog = Date.now();
  let gaveUp: Error | undefined;
  void projector.failed().then((err) => (gaveUp = err));
  for (;;) {
    signal?.throwIfAborted();
    if (gaveUp) throw gaveUp;
    const progress = projector.progress();
    const behind = marks.filter((m) => m.high > m.low && (progress.get(m.partition) ?? 0) < m.high);
    if (behind.length === 0) return;
    if (Date.now() - lastLog > 10_000) {
      lastLog = Date.now();
      log.info(
        {
          behind: behind.map((m) => ({
            partition: m.partition,
            at: progress.get(m.partition) ?? 0,
            high: m.high,
          })),
        },
        'rebuild catching up',
      );
    }
    await sleep(50);
  }
}

async function inTransactionOn<T>(db: Pool, work: Parameters<typeof inTransaction<T>>[1]): Promise<T> {
  const client = await db.connect();
  try {
    return await inTransaction(client, work);
  } finally {
    client.release();
  }
}
