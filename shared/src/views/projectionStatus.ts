import type { Executor } from '../db/pool.js';
import { PROJECTION_SCHEMA, projectionTables } from './projectionTables.js';
import { readProjectionTip, type ProjectionTip } from './readProjectionTip.js';

/** A stream whose next version has not arrived while later ones wait parked. */
export interface OpenGap {
  stream: string;
  appliedVersion: number;
  /** The versions missing: appliedVersion + 1 … firstParkedVersion − 1. */
  firstMissingVersion: number;
  firstParkedVersion: number;
  parkedCount: number;
  /** When the oldest of its parked events was parked. */
  waitingSince: string;
}

/** A stream stopped by a poison event ahead of its applied version. */
export interface StoppedStream {
  stream: string;
  appliedVersion: number;
  deadLetterVersion: number | null;
  reason: string;
}

export interface ProjectionStatus {
  /** The projection's chain tip (highest block row), null before the first block. */
  tip: ProjectionTip | null;
  streams: number;
  parkedEvents: number;
  deadLetters: number;
  openGaps: OpenGap[];
  stoppedStreams: StoppedStream[];
}

interface CountsRow {
  streams: number;
  parked: number;
  dead: number;
}
interface GapRow {
  stream: string;
  applied: number;
  first_parked: number;
  parked: number;
  since: Date;
}
interface StoppedRow {
  stream: string;
  applied: number;
  version: number | null;
  reason: string;
}

/**
 * The read side's health in one call, for the projector's /status and the BFF's
 * /v1/status: tip, parked and dead-letter counts, open gaps (listed up to `limit`)
 * and streams stopped by a poison event.
 */
export async function projectionStatus(
  db: Executor,
  { schema = PROJECTION_SCHEMA, limit = 100 }: { schema?: string; limit?: number } = {},
): Promise<ProjectionStatus> {
  const t = projectionTables(schema);
  const [tip, counts, gaps, stopped] = await Promise.all([
    readProjectionTip(db, t),
    db.query<CountsRow>(
      `SELECT (SELECT count(*) FROM ${t.streamVersions} WHERE version > 0)::int AS streams,
              (SELECT count(*) FROM ${t.parkedEvents})::int AS parked,
              (SELECT count(*) FROM ${t.deadLetters})::int AS dead`,
    ),
    db.query<GapRow>(
      `SELECT p.stream, coalesce(s.version, 0) AS applied, min(p.version) AS first_parked,
              count(*)::int AS parked, min(p.parked_at) AS since
       FROM ${t.parkedEvents} AS p LEFT JOIN ${t.streamVersions} AS s ON s.stream = p.stream
       GROUP BY p.stream, s.version
       ORDER BY since, p.stream
       LIMIT $1`,
      [limit],
    ),
    db.query<StoppedRow>(
      `SELECT DISTINCT ON (d.stream) d.stream, coalesce(s.version, 0) AS applied, d.version, d.reason
       FROM ${t.deadLetters} AS d LEFT JOIN ${t.streamVersions} AS s ON s.stream = d.stream
       WHERE d.stream IS NOT NULL AND (d.version IS NULL OR d.version > coalesce(s.version, 0))
       ORDER BY d.stream, d.id
       LIMIT $1`,
      [limit],
    ),
  ]);
  const c = counts.rows[0]!;
  return {
    tip,
    streams: c.streams,
    parkedEvents: c.parked,
    deadLetters: c.dead,
    openGaps: gaps.rows.map((g) => ({
      stream: g.stream,
      appliedVersion: g.applied,
      firstMissingVersion: g.applied + 1,
      firstParkedVersion: g.first_parked,
      parkedCount: g.parked,
      waitingSince: g.since.toISOString(),
    })),
    stoppedStreams: stopped.rows.map((s) => ({
      stream: s.stream,
      appliedVersion: s.applied,
      deadLetterVersion: s.version,
      reason: s.reason,
    })),
  };
}
