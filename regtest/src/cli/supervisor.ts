import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';

export interface ProcessSpec {
  name: string;
  /** Path of the process's main.ts, relative to the repository root. */
  main: string;
  /**
   * Variables this process sees differently from the others, from the shared environment
   * (e.g. a second relay pointed at another database, with its own metrics port).
   */
  env?: (shared: NodeJS.ProcessEnv) => NodeJS.ProcessEnv;
  /** Node flags before the entry point (e.g. the projector's heap tuning). */
  nodeFlags?: readonly string[];
}

interface Supervised {
  spec: ProcessSpec;
  child?: ChildProcess;
  restarts: number;
  startedAt: number;
}

const COLORS = ['\x1b[36m', '\x1b[33m', '\x1b[35m', '\x1b[32m', '\x1b[34m'];
const RESET = '\x1b[0m';

/**
 * Runs forkline's processes as children: each line they print is prefixed with the
 * process name; one that crashes is restarted with a growing delay (reset after a
 * minute of good health); stop() sends SIGTERM to all and waits for them.
 */
export function createSupervisor(options: {
  specs: ProcessSpec[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  out?: (line: string) => void;
  color?: boolean;
}) {
  const out = options.out ?? ((line: string) => console.log(line));
  const width = Math.max(...options.specs.map((s) => s.name.length));
  const supervised: Supervised[] = options.specs.map((spec) => ({ spec, restarts: 0, startedAt: 0 }));
  let stopping = false;

  const prefix = (i: number, name: string) => {
    const label = name.padEnd(width);
    return options.color ? `${COLORS[i % COLORS.length]}${label}${RESET} |` : `${label} |`;
  };

  function launch(entry: Supervised, index: number): void {
    const child = spawn(
      process.execPath,
      [...(entry.spec.nodeFlags ?? []), '--import', 'tsx', entry.spec.main],
      {
        cwd: options.cwd,
        env: { ...options.env, ...entry.spec.env?.(options.env) },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    entry.child = child;
    entry.startedAt = Date.now();
    for (const stream of [child.stdout, child.stderr]) {
      createInterface({ input: stream }).on('line', (line) =>
        out(`${prefix(index, entry.spec.name)} ${line}`),
      );
    }
    child.on('exit', (code, signal) => {
      entry.child = undefined;
      if (stopping) return;
      if (Date.now() - entry.startedAt > 60_000) entry.restarts = 0;
      const delayMs = Math.min(30_000, 500 * 2 ** entry.restarts++);
      out(
        `${prefix(index, entry.spec.name)} exited (${signal ?? `code ${code}`}); restarting in ${delayMs} ms`,
      );
      void sleep(delayMs).then(() => {
        if (!stopping) launch(entry, index);
      });
    });
  }

  return {
    start(): void {
      supervised.forEach(launch);
    },
    /** The pid of a running child, for tests that kill one on purpose. */
    pid(name: string): number | undefined {
      return supervised.find((s) => s.spec.name === name)?.child?.pid;
    },
    async stop(timeoutMs = 20_000): Promise<void> {
      stopping = true;
      await Promise.all(
        supervised.map(async ({ child }) => {
          if (!child || child.exitCode !== null) return;
          const exited = new Promise((resolve) => child.once('exit', resolve));
          child.kill('SIGTERM');
          const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
          await exited;
          clearTimeout(timer);
        }),
      );
    },
  };
}

export type Supervisor = ReturnType<typeof createSupervisor>;
