/**
 * `npm run bench -- <name>`: runs bench/<name>.bench.ts, which prints its figures and
 * ends with one JSON line. Without a name, lists the benchmarks.
 */
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const dir = fileURLToPath(new URL('.', import.meta.url));
const available = readdirSync(dir)
  .filter((f) => f.endsWith('.bench.ts'))
  .map((f) => f.replace(/\.bench\.ts$/, ''));
const name = process.argv[2];

if (!name || !available.includes(name)) {
  console.error(`usage: npm run bench -- <${available.join('|') || 'name'}>`);
  process.exitCode = name ? 2 : 0;
} else {
  await import(`./${name}.bench.ts`);
}
