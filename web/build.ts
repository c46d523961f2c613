import { createHash } from 'node:crypto';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { basename, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const WEB = fileURLToPath(new URL('.', import.meta.url));
export const WEB_DIST = join(WEB, 'dist');

/** Each page: its HTML template and its script's entry point. */
const PAGES = [
  { html: 'index.html', template: 'src/home/index.html', entry: 'home', source: 'src/home/main.ts' },
  { html: 'ops.html', template: 'src/ops/ops.html', entry: 'ops', source: 'src/ops/main.ts' },
] as const;

/**
 * Builds the wallet home page and the operator page into `outDir` (web/dist by default):
 * one HTML file per page and, under assets/, the bundled scripts, the stylesheet and the
 * icon with content hashes in their names (served as immutable). Everything the pages use
 * is in there: nothing is fetched from elsewhere at run time.
 */
export async function buildWeb(outDir = WEB_DIST): Promise<void> {
  const assets = join(outDir, 'assets');
  await rm(outDir, { recursive: true, force: true });
  await mkdir(assets, { recursive: true });

  const result = await build({
    absWorkingDir: WEB,
    entryPoints: {
      ...Object.fromEntries(PAGES.map((p) => [p.entry, p.source])),
      style: 'src/style.css',
    },
    outdir: assets,
    entryNames: '[name]-[hash]',
    bundle: true,
    format: 'esm',
    splitting: false,
    target: ['es2022'],
    minify: true,
    sourcemap: 'linked',
    metafile: true,
    legalComments: 'none',
    logLevel: 'warning',
  });

  // The metafile names each entry's output: its hashed name goes into the HTML.
  const outputOf = (entry: string) => {
    for (const [file, output] of Object.entries(result.metafile.outputs)) {
      if (output.entryPoint === entry) return `/assets/${basename(file)}`;
    }
    throw new Error(`esbuild wrote nothing for ${entry}`);
  };
  const style = outputOf('src/style.css');

  const icon = await readFile(join(WEB, 'src/favicon.svg'));
  const iconName = `favicon-${createHash('sha256').update(icon).digest('hex').slice(0, 8)}.svg`;
  await writeFile(join(assets, iconName), icon);

  for (const page of PAGES) {
    const template = await readFile(join(WEB, page.template), 'utf8');
    const html = template
      .replace('{{icon}}', `/assets/${iconName}`)
      .replace('{{style}}', style)
      .replace('{{script}}', outputOf(page.source));
    await writeFile(join(outDir, page.html), html);
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const outDir = process.argv[2] ?? WEB_DIST;
  await buildWeb(outDir);
  console.log(`[web] built into ${relative(process.cwd(), outDir) || '.'}`);
}
