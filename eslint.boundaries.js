// @ts-check
/**
 * Process boundaries: each process folder imports only itself and shared/ (through the
 * #shared/… alias), and shared/ imports none of them. regtest/ and bench/ sit above the
 * processes and may import anything. A crossing import fails `make lint`.
 */
import tseslint from 'typescript-eslint';

export const PROCESSES = ['crawler', 'relay', 'projector', 'bff', 'trading'];
const ABOVE = ['regtest', 'bench'];
/** Browser code: bundled into the pages the BFF serves. */
const WEB = 'web';

/**
 * An import path naming one of `folders` as a path segment (relative or not).
 * @param {string[]} folders
 */
const naming = (folders) => `(^|/)(${folders.join('|')})/`;

/**
 * @param {{ regex: string, message: string }[]} patterns
 * @returns {import('eslint').Linter.RulesRecord}
 */
const refuse = (patterns) => ({ 'no-restricted-imports': ['error', { patterns }] });

/** @type {import('eslint').Linter.Config[]} */
export const processBoundaries = [
  ...PROCESSES.map((own) => ({
    files: [`${own}/**/*.{ts,js,mjs}`],
    rules: refuse([
      {
        regex: naming([...PROCESSES.filter((p) => p !== own), ...ABOVE, WEB]),
        message: `${own}/ imports only itself and shared/: move what both need to shared/.`,
      },
      {
        regex: '(^|/)shared/',
        message: 'import shared code through the alias: #shared/<path below shared/src>.',
      },
    ]),
  })),
  {
    files: ['shared/**/*.{ts,js,mjs}'],
    rules: refuse([
      {
        regex: naming([...PROCESSES, ...ABOVE, WEB]),
        message: 'shared/ imports no process, regtest/, bench/ or web/: it is what they import.',
      },
    ]),
  },
  {
    // The pages run in a browser: from shared/ they may take types (the API's shapes),
    // never code, which is written for Node.
    files: ['web/src/**/*.{ts,js,mjs}'],
    plugins: { '@typescript-eslint': tseslint.plugin },
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: naming([...PROCESSES, ...ABOVE]),
              message: 'web/ imports only itself (and types from #shared/…): it is bundled for the browser.',
            },
            {
              regex: '(^|/)shared/',
              message: 'import shared types through the alias: import type { … } from #shared/<path>.',
            },
            {
              regex: '^#shared/',
              allowTypeImports: true,
              message: 'web/ may import only types from shared/ (import type): its code is written for Node.',
            },
          ],
        },
      ],
    },
  },
];
