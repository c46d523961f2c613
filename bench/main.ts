/**
 * `npm run bench -- <name>`: runs bench/<name>.bench.ts, which prints its figures and
 * ends with one JSON line. Without a name, lists the benchmarks. A bench of a process
 * that runs with Node flags in production runs with them too (re-started with them).
 */
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { PROJECTOR_NODE_FLAGS } from '../projector/src/nodeFlags.js';

const NODE_FLAGS: Record<string, readonly string[]> = { projector: PROJECTOR_NODE_FLAGS };

const dir = fileURLToPath(new URL('.', import.meta.url));
const available = readdirSync(dir)
  .filter((f) => f.endsWith('.bench.ts'))
  .map((f) => f.replace(/\.bench\.ts$/, ''));
const name = process.argv[2];
const flags = (name && NODE_FLAGS[name]) || [];

if (!name || !available.includes(name)) {
  console.error(`usage: npm run bench -- <${available.join('|') || 'name'}>`);
  process.exitCode = name ? 2 : 0;
} else if (flags.some((flag) => !process.execArgv.includes(flag))) {
  const child = spawn(process.execPath, [...flags, '--import', 'tsx', fileURLToPath(import.meta.url), name], {
    stdio: 'inherit',
  });
  process.exitCode = await new Promise<number>((resolve) => child.on('exit', (code) => resolve(code ?? 1)));
} else {
  await import(`./${name}.bench.ts`);
}
