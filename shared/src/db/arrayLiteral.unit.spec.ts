import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { arrayLiteral, valuesLiteral } from './arrayLiteral.js';

/** node-postgres's own conversion of a parameter, which arrayLiteral stands in for. */
const { prepareValue } = createRequire(import.meta.url)('pg/lib/utils.js') as {
  prepareValue: (value: unknown) => string;
};

const tricky = [
  '',
  'NULL',
  'null',
  'a b',
  'a,b',
  '{x}',
  'say "hi"',
  'back\\slash',
  '\\"',
  'ünï€ode',
  ' ',
  'x',
];

describe('arrayLiteral', () => {
  it('writes strings and nulls exactly as node-postgres does', () => {
    const values = [...tricky, null, undefined];
    expect(valuesLiteral(values)).toBe(prepareValue(values));
  });

  it('writes numbers and booleans unquoted, picking from objects', () => {
    const rows = [
      { n: 1, b: true },
      { n: -2_100_000_000_000, b: false },
      { n: null, b: null },
    ];
    expect(arrayLiteral(rows, (r) => r.n)).toBe('{1,-2100000000000,NULL}');
    expect(arrayLiteral(rows, (r) => r.b)).toBe('{true,false,NULL}');
    expect(arrayLiteral([], (r) => r)).toBe('{}');
  });
});
