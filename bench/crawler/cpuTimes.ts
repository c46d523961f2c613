import { readdirSync, readFileSync } from 'node:fs';

/**
 * CPU seconds (user + system) spent so far by processes, read from /proc: on a 2-core
 * machine the crawler, PostgreSQL and bitcoind share the cores, so where the CPU went
 * explains a catch-up's figure better than its wall time alone.
 */
export interface CpuSeconds {
  crawler: number;
  postgres: number;
  bitcoind: number;
}

const TICKS_PER_SECOND = 100; // USER_HZ, 100 on every Linux the project runs on

/** The fields of /proc/<pid>/stat after the command name (which may itself hold spaces). */
function statFields(pid: number): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined; // exited
  }
}

/**
 * utime + stime, plus the times of its children that exited and were waited for (a
 * PostgreSQL backend that ended is counted in the postmaster's).
 */
export function cpuSecondsOf(pid: number): number {
  const f = statFields(pid);
  if (!f) return 0;
  return (Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14])) / TICKS_PER_SECOND;
}

/** The parent of a process (for a PostgreSQL backend: its cluster's postmaster). */
export function parentPid(pid: number): number {
  const f = statFields(pid);
  if (!f) throw new Error(`process ${pid} is gone`);
  return Number(f[1]);
}

/**
 * CPU seconds of a process and its live children: for a postmaster, the whole
 * PostgreSQL cluster — backends, WAL writer, checkpointer, autovacuum — and not the
 * other clusters that may run on the same machine.
 */
export function cpuSecondsOfTree(rootPid: number): number {
  let total = cpuSecondsOf(rootPid);
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const f = statFields(Number(entry));
    if (f && Number(f[1]) === rootPid) total += cpuSecondsOf(Number(entry));
  }
  return total;
}

/** CPU seconds of every live process whose command name is `comm` (e.g. postgres). */
export function cpuSecondsOfAll(comm: string): number {
  let total = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() === comm) total += cpuSecondsOf(Number(entry));
    } catch {
      // exited between the listing and the read
    }
  }
  return total;
}
