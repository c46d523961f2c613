import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/**
 * Runs a bench script in a fresh Node process (with tsx) and resolves with the one
 * message it sends back. A fresh process for every measured side, so none runs on code
 * the JIT compiled for an earlier run. With BENCH_CPU_PROF=<dir>, each process writes a
 * V8 CPU profile under <dir>/<profileName>/.
 */
export function runForked<R>(
  script: URL,
  env: Record<string, string>,
  profileName: string,
): { pid: number; result: Promise<R> } {
  const profDir = process.env.BENCH_CPU_PROF;
  const child = fork(fileURLToPath(script), {
    execArgv: [
      '--import',
      'tsx',
      ...(profDir ? ['--cpu-prof', `--cpu-prof-dir=${profDir}/${profileName}`] : []),
    ],
    env: { ...process.env, ...env },
  });
  const result = new Promise<R>((resolve, reject) => {
    let got: R | undefined;
    child.on('message', (msg) => (got = msg as R));
    child.on('error', reject);
    child.on('exit', (code) =>
      got ? resolve(got) : reject(new Error(`${script.pathname} exited with ${code} and no result`)),
    );
  });
  return { pid: child.pid!, result };
}
