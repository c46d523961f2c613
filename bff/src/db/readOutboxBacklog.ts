import type { Executor } from '../../../shared/src/db/pool.js';
import { ONLINE } from './tables.js';

interface BacklogRow {
  count: number;
  oldest_created_at: Date | null;
}

export interface OutboxBacklog {
  /** Events written but not yet published (the relay deletes what it has published). */
  count: number;
  oldestCreatedAt: Date | null;
}

export async function readOutboxBacklog(ex: Executor): Promise<OutboxBacklog> {
  const { rows } = await ex.query<BacklogRow>(
    `SELECT count(*)::int8 AS count, min(created_at) AS oldest_created_at FROM ${ONLINE.outbox}`,
  );
  const row = rows[0]!;
  return { count: row.count, oldestCreatedAt: row.oldest_created_at };
}
