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

/**
 * utime + stime, plus the times of its children that exited and were waited for (a
 * PostgreSQL backend that ended is counted in the postmaster's).
 */
export function cpuSecondsOf(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the parenthesised command name, which may itself hold spaces.
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14])) / TICKS_PER_SECOND;
  } catch {
    return 0; // exited
  }
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
