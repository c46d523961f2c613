import type pg from 'pg';

/**
 * PostgreSQL's own profile of a bench's window, from `pg_stat_statements` (loaded by the
 * dev stack's server): which statements the window's CPU went to, across every database.
 * Without the module (another server) the bench runs on, without this part.
 */
export interface StatementCost {
  query: string;
  calls: number;
  totalMs: number;
  rows: number;
}

export async function resetStatements(db: pg.Pool): Promise<boolean> {
  try {
    await db.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
    await db.query('SELECT pg_stat_statements_reset()');
    return true;
  } catch {
    return false;
  }
}

export async function topStatements(db: pg.Pool, limit = 12): Promise<StatementCost[]> {
  const { rows } = await db.query<{ query: string; calls: string; total_ms: number; rows: string }>(
    `SELECT left(regexp_replace(query, '\\s+', ' ', 'g'), 110) AS query, calls, total_exec_time AS total_ms, rows
       FROM pg_stat_statements ORDER BY total_exec_time DESC LIMIT $1`,
    [limit],
  );
  return rows.map((r) => ({
    query: r.query,
    calls: Number(r.calls),
    totalMs: Math.round(r.total_ms * 10) / 10,
    rows: Number(r.rows),
  }));
}
