import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';
import { describe, expect, it } from 'vitest';
import config from './eslint.config.js';
import { processBoundaries } from './eslint.boundaries.js';

// Only the boundary rules, with the TypeScript parser: fast, and what `make lint` applies.
const eslint = new ESLint({
  cwd: import.meta.dirname,
  overrideConfigFile: true,
  overrideConfig: [
    { files: ['**/*.ts'], languageOptions: { parser: tseslint.parser } },
    ...processBoundaries,
  ],
});

async function problems(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return result!.messages.map((m) => `${m.ruleId}: ${m.message}`);
}

describe('process boundaries (make lint)', () => {
  it('is part of the lint configuration', () => {
    for (const entry of processBoundaries) expect(config).toContain(entry);
  });

  it.each([
    ['bff/src/status/x.ts', "import { readOutboxBacklog } from '../../../relay/src/db/outboxBacklog.js';"],
    ['crawler/src/x.ts', "import type { Relay } from '../../relay/src/createRelay.js';"],
    ['projector/src/db/x.ts', "export { createBff } from '../../../bff/src/createBff.js';"],
    ['crawler/src/testing/x.ts', "import { createRegtestNode } from '../../../regtest/src/regtestNode.js';"],
    ['relay/src/x.ts', "import { x } from '../../bench/main.js';"],
    ['trading/src/x.ts', "import { createProjector } from '../../projector/src/createProjector.js';"],
    ['shared/src/db/x.ts', "import { createCrawler } from '../../../crawler/src/createCrawler.js';"],
    ['bff/src/routes/x.ts', "import { buildWeb } from '../../../web/build.js';"],
  ])('refuses a crossing import in %s', async (file, code) => {
    const found = await problems(file, code);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(
      /^no-restricted-imports: .* import is restricted .*(imports only itself|imports no process)/,
    );
  });

  it('refuses shared code reached by a relative path instead of the alias', async () => {
    expect(
      await problems('crawler/src/x.ts', "import { createPool } from '../../shared/src/db/pool.js';"),
    ).toEqual([expect.stringMatching(/through the alias: #shared\//)]);
  });

  it.each([
    ['web/src/home/x.ts', "import { createBff } from '../../../bff/src/createBff.js';"],
    ['web/src/home/x.ts', "import type { Tip } from '../../../bff/src/db/tables.js';"],
  ])('refuses web/ code reaching a process: %s', async (file, code) => {
    expect(await problems(file, code)).toEqual([
      expect.stringMatching(/^@typescript-eslint\/no-restricted-imports: .*web\/ imports only itself/),
    ]);
  });

  it('web/ takes only types from shared/', async () => {
    const file = 'web/src/ops/x.ts';
    expect(
      await problems(file, "import type { ProjectionStatus } from '#shared/views/projectionStatus.js';"),
    ).toEqual([]);
    expect(
      await problems(file, "import { projectionStatus } from '#shared/views/projectionStatus.js';"),
    ).toEqual([expect.stringMatching(/may import only types from shared/)]);
  });

  it.each([
    ['web/src/home/x.ts', "import { formatBtc } from '../ui/format.js';"],
    ['crawler/src/sync/x.ts', "import { createPool } from '#shared/db/pool.js';"],
    ['crawler/src/sync/x.ts', "import { applyBlock } from '../db/applyBlock.js';"],
    ['shared/src/outbox/x.ts', "import { createPool } from '../db/pool.js';"],
    ['regtest/src/demo/x.ts', "import { createUserTokens } from '../../../bff/src/auth/userTokens.js';"],
    ['bench/x.ts', "import { createRelay } from '../relay/src/createRelay.js';"],
  ])('allows %s: %s', async (file, code) => {
    expect(await problems(file, code)).toEqual([]);
  });
});
