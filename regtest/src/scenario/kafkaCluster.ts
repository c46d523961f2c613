import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { createServer } from 'node:net';
import { promisify } from 'node:util';
import { repoRoot, runDir } from '#shared/testing/stackEnv.js';

const run = promisify(execFile);

export interface KafkaCluster {
  /** The bootstrap list, host:port,… */
  brokers: string;
  /** The broker JVM of node i (1-based), while it runs. */
  pid(node: number): number | undefined;
  /** SIGKILLs node i. */
  kill(node: number): void;
  /** Starts the nodes not running (`regtest/kafka.sh start`), waiting until all serve. */
  start(): Promise<void>;
  /** Each node running or not, and the end of each node's log: for a failing test's message. */
  describe(): Promise<string>;
  /** Stops every node and deletes the cluster's data. */
  destroy(): Promise<void>;
}

const NODES = 3;

/** Whether a loopback port can be listened on right now. */
function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** A base port whose node ports (+0, +10, +20) and controller ports (+1, +11, +21) are all free. */
async function freeBase(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = 20_000 + 10 * Math.floor(Math.random() * 1_500);
    const ports = Array.from({ length: NODES }, (_, i) => [base + 10 * i, base + 10 * i + 1]).flat();
    if ((await Promise.all(ports.map(portFree))).every(Boolean)) return base;
  }
  throw new Error('no free ports for a three-node Kafka cluster');
}

/**
 * A three-node KRaft cluster of its own (beside the stack's Kafka), started by the same
 * script as `make up KAFKA_NODES=3`, in `.run/kafka-cluster-<label>`, on free ports, with
 * the stack's broker jars: for tests that kill brokers.
 */
export async function startKafkaCluster(label: string): Promise<KafkaCluster> {
  const dir = `${runDir}/kafka-cluster-${label}`;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(`${dir}/kafka`, { recursive: true });
  symlinkSync(`${runDir}/kafka/libs`, `${dir}/kafka/libs`);
  const base = await freeBase();
  const env = {
    ...process.env,
    FORKLINE_RUN_DIR: dir,
    KAFKA_NODES: String(NODES),
    KAFKA_PORT: String(base),
    KAFKA_CONTROLLER_PORT: String(base + 1),
  };
  const script = (command: string) =>
    run(`${repoRoot}regtest/kafka.sh`, [command], { cwd: repoRoot, env, timeout: 240_000 });
  const pid = (node: number) => {
    try {
      return Number(readFileSync(`${dir}/kafka/node-${node}/kafka.pid`, 'utf8').trim());
    } catch {
      return undefined;
    }
  };
  await script('start');
  return {
    brokers: Array.from({ length: NODES }, (_, i) => `127.0.0.1:${base + 10 * i}`).join(','),
    pid,
    kill(node) {
      const p = pid(node);
      if (p !== undefined) process.kill(p, 'SIGKILL');
    },
    start: async () => {
      await script('start');
    },
    async describe() {
      const status = await script('status').then(
        (r) => r.stdout,
        (err: { stdout?: string }) => err.stdout ?? '',
      );
      const logs = Array.from({ length: NODES }, (_, i) => {
        try {
          const lines = readFileSync(`${dir}/kafka/node-${i + 1}/kafka.log`, 'utf8')
            .trimEnd()
            .split('\n');
          return `--- node ${i + 1}, last lines of its log ---\n${lines.slice(-8).join('\n')}`;
        } catch {
          return `--- node ${i + 1}: no log ---`;
        }
      });
      return [status.trimEnd(), ...logs].join('\n');
    },
    async destroy() {
      await script('stop').catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
