import { readFileSync } from 'node:fs';
import { runDir } from '#shared/testing/stackEnv.js';
import { cpuSecondsOf, cpuSecondsOfTree } from '../crawler/cpuTimes.js';

/**
 * CPU seconds spent so far by this stack's PostgreSQL (the postmaster and its backends)
 * and Kafka broker (or the given brokers), and by this process: other stacks on the machine run their own
 * servers, so processes are found from this stack's pid files, not by name.
 */
export function stackCpuSeconds(brokerPids?: () => number[]): {
  projector: number;
  postgres: number;
  kafka: number;
} {
  const postmaster = firstNumber(`${runDir}/postgres/data/postmaster.pid`);
  const broker = firstNumber(`${runDir}/kafka/kafka.pid`);
  const postgres = postmaster ? cpuSecondsOfTree(postmaster) : 0;
  const { user, system } = process.cpuUsage();
  // Another cluster's brokers when given (the three-broker run), else the stack's one.
  const brokers = brokerPids ? brokerPids() : broker ? [broker] : [];
  const kafka = brokers.reduce((sum, pid) => sum + cpuSecondsOf(pid), 0);
  return { projector: (user + system) / 1e6, postgres, kafka };
}

function firstNumber(path: string): number | undefined {
  try {
    const n = Number(readFileSync(path, 'utf8').split('\n')[0]);
    return Number.isInteger(n) && n > 0 ? n : undefined;
  } catch {
    return undefined;
  }
}
