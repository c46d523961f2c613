import type { Pool } from '#shared/db/pool.js';
import type { Logger } from '#shared/logging/logger.js';
import { LIVE_PROJECTION } from '#shared/views/projectionTables.js';
import { pruneUserChanges } from '../db/userChanges.js';

export interface ChangesPrunerOptions {
  db: Pool;
  log: Logger;
  /** How long a subscriber can be away and still resume where it left off. */
  retentionSeconds: number;
  intervalMs?: number;
}

/**
 * Keeps the live read model's user_changes to its retention: every `intervalMs` it deletes
 * the older rows (a subscriber resuming from before them is told to start over). A failed
 * run is logged and tried again at the next tick.
 */
export function createChangesPruner({
  db,
  log,
  retentionSeconds,
  intervalMs = 60_000,
}: ChangesPrunerOptions) {
  let running: Promise<void> | undefined;
  const timer = setInterval(() => {
    running ??= pruneUserChanges(db, LIVE_PROJECTION, retentionSeconds)
      .then((deleted) => {
        if (deleted > 0) log.debug({ deleted }, 'old user changes pruned');
      })
      .catch((err: unknown) => log.warn({ err: (err as Error).message }, 'pruning user changes failed'))
      .finally(() => (running = undefined));
  }, intervalMs);
  timer.unref();
  return {
    async close(): Promise<void> {
      clearInterval(timer);
      await running;
    },
  };
}
