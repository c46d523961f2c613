import { readdirSync, readFileSync } from 'node:fs';
import { runDir } from '#shared/testing/stackEnv.js';
import { cpuSecondsOf } from '../crawler/cpuTimes.js';

/**
 * CPU seconds spent so far by this stack's PostgreSQL (the postmaster and its backends)
 * and Kafka broker, and by this process: other stacks on the machine run their own
 * servers, so processes are found from this stack's pid files, not by name.
 */
export function stackCpuSeconds(): { projector: number; postgres: number; kafka: number } {
  const postmaster = firstNumber(`${runDir}/postgres/data/postmaster.pid`);
  const broker = firstNumber(`${runDir}/kafka/kafka.pid`);
  let postgres = postmaster ? cpuSecondsOf(postmaster) : 0;
  if (postmaster) for (const pid of childrenOf(postmaster)) postgres += cpuSecondsOf(pid);
  const { user, system } = process.cpuUsage();
  return { projector: (user + system) / 1e6, postgres, kafka: broker ? cpuSecondsOf(broker) : 0 };
}

function firstNumber(path: string): number | undefined {
  try {
    const n = Number(readFileSync(path, 'utf8').split('\n')[0]);
    return Number.isInteger(n) && n > 0 ? n : undefined;
  } catch {
    return undefined;
  }
}

function childrenOf(parent: number): number[] {
  const pids = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === parent) pids.push(Number(entry));
    } catch {
      // exited between the listing and the read
    }
  }
  return pids;
}
