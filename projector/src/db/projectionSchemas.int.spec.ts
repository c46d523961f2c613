import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Pool } from '#shared/db/pool.js';
import { createTestDatabases, type TestDatabases } from '#shared/testing/testDatabases.js';
import { createProjectionSchema } from './projectionSchemas.js';

/** Every table's columns, constraints, indexes and storage options in `schema`, with the schema name taken out. */
async function shape(db: Pool, schema: string): Promise<string[]> {
  const { rows } = await db.query<{ line: string }>(
    `SELECT format('column %s.%s #%s %s %s default=%s identity=%s', c.relname, a.attname, a.attnum,
                   format_type(a.atttypid, a.atttypmod), CASE WHEN a.attnotnull THEN 'not null' ELSE 'null' END,
                   pg_get_expr(d.adbin, d.adrelid), a.attidentity) AS line
     FROM pg_attribute a
     JOIN pg_class c ON c.oid = a.attrelid AND c.relkind = 'r'
     JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = $1
     LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
     WHERE a.attnum > 0 AND NOT a.attisdropped
     UNION ALL
     SELECT format('constraint %s.%s %s', c.relname, k.conname, pg_get_constraintdef(k.oid))
     FROM pg_constraint k
     JOIN pg_class c ON c.oid = k.conrelid
     JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = $1
     UNION ALL
     SELECT format('table %s options %s', c.relname, c.reloptions)
     FROM pg_class c
     JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = $1
     WHERE c.relkind = 'r'
     UNION ALL
     SELECT format('index %s', replace(pg_get_indexdef(i.indexrelid), quote_ident($1) || '.', 'S.'))
     FROM pg_index i
     JOIN pg_class c ON c.oid = i.indrelid
     JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = $1
     ORDER BY 1`,
    [schema],
  );
  return rows.map((r) => r.line);
}

describe('projection schema shape', () => {
  let dbs: TestDatabases;
  beforeAll(async () => {
    dbs = await createTestDatabases('projection-shape');
  });
  afterAll(() => dbs.drop());

  it('the live schema, migrated step by step, equals a fresh one from create_projection_tables', async () => {
    await createProjectionSchema(dbs.views, 'fresh_shape');
    const live = await shape(dbs.views, 'projection');
    expect(live.length).toBeGreaterThan(40);
    expect(live).toContain(
      'index CREATE INDEX activities_coinbase_idx ON S.activities USING btree (user_id, block_height) WHERE coinbase',
    );
    expect(live).toContain('table balances options {fillfactor=70}');
    expect(await shape(dbs.views, 'fresh_shape')).toEqual(live);
  });
});
