import type { Executor } from '../db/pool.js';
import { OUTBOX_TABLE } from './appendSql.js';

interface BacklogRow {
  backlog: number;
  oldest_age_ms: number | null;
}

export interface OutboxBacklog {
  /** Committed events not yet published (including a batch being published right now). */
  backlog: number;
  /** Age of the oldest unpublished event in milliseconds; null when the outbox is empty. */
  oldestAgeMs: number | null;
}

/**
 * How far the relay is behind, read from the online database: for the relay's status
 * and metrics, and for the BFF's /v1/status. The outbox stays small, so count(*) is cheap.
 */
export async function readOutboxBacklog(db: Executor): Promise<OutboxBacklog> {
  const { rows } = await db.query<BacklogRow>(
    `SELECT count(*)::bigint AS backlog,
            (EXTRACT(EPOCH FROM clock_timestamp() - min(created_at)) * 1000)::float8 AS oldest_age_ms
       FROM ${OUTBOX_TABLE}`,
  );
  const row = rows[0];
  return {
    backlog: row?.backlog ?? 0,
    oldestAgeMs: row?.oldest_age_ms == null ? null : Math.max(0, Math.round(row.oldest_age_ms)),
  };
}
