import { readdirSync, readFileSync } from 'node:fs';

const TICKS_PER_SECOND = 100; // USER_HZ

/** A PostgreSQL process's own CPU seconds and what it serves, by pid. */
export type PostgresSnapshot = Map<number, { database: string; seconds: number }>;

/**
 * The live PostgreSQL processes, each with what it serves (from its process title,
 * `postgres: <user> <database> <client> <state>`): the backends of databases named
 * `*_online` (crawler, relay, the BFF's commands), `*_views` (projector, the BFF's reads),
 * `*_trading`, and every other process of the server (`background`: WAL writer,
 * checkpointer, autovacuum, other databases).
 */
export function postgresSnapshot(): PostgresSnapshot {
  const out: PostgresSnapshot = new Map();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() !== 'postgres') continue;
      const title = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      out.set(Number(entry), {
        database: /^postgres: \S+ \S+_(online|views|trading) /.exec(title)?.[1] ?? 'background',
        // utime + stime only: a backend that exits is counted in its postmaster's children
        // times, which would move its whole life's CPU into this window.
        seconds: (Number(f[11]) + Number(f[12])) / TICKS_PER_SECOND,
      });
    } catch {
      // exited between the listing and the read
    }
  }
  return out;
}

/** CPU seconds spent between two snapshots, by what the processes serve (a process that exited in between is left out). */
export function postgresCpuSpent(before: PostgresSnapshot, after: PostgresSnapshot): Record<string, number> {
  const out: Record<string, number> = { online: 0, views: 0, trading: 0, background: 0 };
  for (const [pid, { database, seconds }] of after) {
    out[database]! += seconds - (before.get(pid)?.seconds ?? 0);
  }
  return Object.fromEntries(Object.entries(out).map(([k, v]) => [k, Math.round(v * 100) / 100]));
}
