import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabases, type TestDatabases } from '../testing/testDatabases.js';
import { appendToStream } from '../outbox/appendToStream.js';
import { createPool } from './pool.js';
import { withTransaction } from './withTransaction.js';
import { findMigrations, migrate } from './migrate.js';

describe('database helpers: transactions, migrations, stream versions', () => {
  let dbs: TestDatabases;
  beforeAll(async () => {
    dbs = await createTestDatabases('shared-db');
  });
  afterAll(() => dbs.drop());

  it('withTransaction rolls back what the work wrote when it throws, and rethrows', async () => {
    // One connection only: had the rollback been skipped, the pool would hand back the
    // same session with the transaction still open, and the count below would see the row.
    const single = createPool({ connectionString: dbs.onlineUrl, max: 1 });
    try {
      const failure = new Error('a check after the write failed');
      await expect(
        withTransaction(single, async (tx) => {
          await appendToStream(tx, 'user:rollback', [
            { type: 'UserRegistered', payload: { userId: 'rollback' } },
          ]);
          throw failure;
        }),
      ).rejects.toBe(failure);
      // The connection went back to the pool.
      expect({ total: single.totalCount, idle: single.idleCount }).toEqual({ total: 1, idle: 1 });
      const count = `SELECT count(*)::int AS n FROM outbox WHERE stream = 'user:rollback'`;
      expect((await single.query(count)).rows).toEqual([{ n: 0 }]);
      expect((await dbs.online.query(count)).rows).toEqual([{ n: 0 }]);
    } finally {
      await single.end();
    }
  });

  it('records every migration once; a second run applies nothing', async () => {
    const expected = (await findMigrations('online')).map((m) => m.version);
    const { rows } = await dbs.online.query<{ version: number }>(
      'SELECT version FROM schema_migrations ORDER BY 1',
    );
    expect(rows.map((r) => r.version)).toEqual(expected);
    expect(await migrate(dbs.online, 'online')).toBe(0);
  });

  it('gives the trading database the shared outbox migrations and its own, not the online ones', async () => {
    const names = (await findMigrations('trading')).map((m) => m.name);
    expect(names.slice(0, 3)).toEqual([
      'shared/0001_outbox.sql',
      'shared/0003_outbox_partition_key.sql',
      'relay/0300_outbox_autovacuum.sql',
    ]);
    expect(names.some((n) => n.startsWith('trading/'))).toBe(true);
    expect(names.some((n) => n.startsWith('crawler/') || n.startsWith('bff/'))).toBe(false);
    const online = (await findMigrations('online')).map((m) => m.name);
    expect(online.slice(0, 2)).toEqual(['shared/0001_outbox.sql', 'shared/0002_users.sql']);
    expect(online).toContain('relay/0300_outbox_autovacuum.sql');
    expect(online.some((n) => n.startsWith('trading/'))).toBe(false);
  });

  it('refuses to start when an applied migration was edited afterwards', async () => {
    await dbs.online.query(`UPDATE schema_migrations SET checksum = 'edited' WHERE version = 1`);
    await expect(migrate(dbs.online, 'online')).rejects.toThrow(
      /applied migration\(s\) changed since: shared\/0001_outbox\.sql/,
    );
    const [first] = await findMigrations('online');
    const original = createHash('sha256')
      .update(await readFile(first!.path, 'utf8'))
      .digest('hex');
    await dbs.online.query('UPDATE schema_migrations SET checksum = $1 WHERE version = 1', [original]);
    expect(await migrate(dbs.online, 'online')).toBe(0);
  });

  it('gives dense per-stream versions to concurrent writers', async () => {
    const writers = Array.from({ length: 10 }, () =>
      withTransaction(dbs.online, (tx) =>
        appendToStream(tx, 'user:smoke', [{ type: 'UserRegistered', payload: { userId: 'smoke' } }]),
      ),
    );
    await Promise.all(writers);
    const { rows } = await dbs.online.query<{ version: number }>(
      `SELECT version FROM outbox WHERE stream = 'user:smoke' ORDER BY version`,
    );
    expect(rows.map((r) => r.version)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });
});
