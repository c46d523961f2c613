// @ts-check
/**
 * Process boundaries: each process folder imports only itself and shared/ (through the
 * #shared/… alias), and shared/ imports none of them. regtest/ and bench/ sit above the
 * processes and may import anything. A crossing import fails `make lint`.
 */
export const PROCESSES = ['crawler', 'relay', 'projector', 'bff', 'trading'];
const ABOVE = ['regtest', 'bench'];

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
        regex: naming([...PROCESSES.filter((p) => p !== own), ...ABOVE]),
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
        regex: naming([...PROCESSES, ...ABOVE]),
        message: 'shared/ imports no process, regtest/ or bench/: it is what they import.',
      },
    ]),
  },
];
