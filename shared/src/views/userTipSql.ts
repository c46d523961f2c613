import type { ProjectionTables } from './projectionTables.js';

/**
 * SQL of a subquery giving the chain position — (height, hash) — that a user's rows
 * reflect exactly: the projection's tip, or, while a chain event still waits for the
 * user's stream (stream_awaits, views migration 0003), the position below the earliest
 * such event when it is lower. For a LEFT JOIN LATERAL … ON true beside the user's rows,
 * so they and their position come from one snapshot. `stream` is an SQL expression.
 */
export function userTipSql(tables: ProjectionTables, stream: string): string {
  return `SELECT p.height, p.hash FROM (
            (SELECT height, hash, 1 AS rank FROM ${tables.chainBlocks} ORDER BY height DESC LIMIT 1)
            UNION ALL
            (SELECT a.height, a.hash, 0 AS rank
               FROM ${tables.streamAwaits} a
               LEFT JOIN ${tables.streamVersions} v ON v.stream = a.stream
              WHERE a.stream = ${stream} AND a.version > coalesce(v.version, 0)
              ORDER BY a.chain_version LIMIT 1)
          ) p ORDER BY p.height, p.rank LIMIT 1`;
}
