import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Logger } from '../logging/logger.js';
import type { Pool } from './pool.js';
import { inTransaction } from './withTransaction.js';

export type DatabaseName = 'online' | 'views';

export interface Migration {
  version: number;
  name: string;
  path: string;
}

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
/** Each module keeps the SQL of the tables it owns in `<module>/migrations/<database>/`. */
const MODULES = ['shared', 'crawler', 'relay', 'projector', 'bff'];
// One advisory lock per database, so concurrent starters apply migrations once.
const LOCK_KEY = 0x666f726b; // "fork"

/** Finds the migrations of one database across modules: `NNNN_name.sql`, numbers unique. */
export async function findMigrations(database: DatabaseName, root = repoRoot): Promise<Migration[]> {
  const found: Migration[] = [];
  for (const module of MODULES) {
    const dir = join(root, module, 'migrations', database);
    const files = await readdir(dir).catch(() => [] as string[]);
    for (const file of files) {
      const match = /^(\d{4})_([\w-]+)\.sql$/.exec(file);
      if (!match) continue;
      found.push({ version: Number(match[1]), name: `${module}/${file}`, path: join(dir, file) });
    }
  }
  found.sort((a, b) => a.version - b.version);
  for (let i = 1; i < found.length; i++) {
    const [prev, cur] = [found[i - 1]!, found[i]!];
    if (prev.version === cur.version) {
      throw new Error(`migration number ${cur.version} used twice: ${prev.name} and ${cur.name}`);
    }
  }
  return found;
}

/**
 * Applies the pending migrations in order, each in its own transaction, under an
 * advisory lock; records each applied one. Refuses to start when the database has
 * a migration this code does not know (a newer schema).
 */
export async function migrate(pool: Pool, database: DatabaseName, log?: Logger): Promise<number> {
  const migrations = await findMigrations(database);
  const client = await pool.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [LOCK_KEY]);
    await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
    const { rows } = await client.query<{ version: number }>('SELECT version FROM schema_migrations');
    const applied = new Set(rows.map((r) => r.version));
    const known = new Set(migrations.map((m) => m.version));
    const unknown = [...applied].filter((v) => !known.has(v));
    if (unknown.length > 0) {
      throw new Error(`${database} database has migrations this code does not know: ${unknown.join(', ')}`);
    }
    let count = 0;
    for (const migration of migrations.filter((m) => !applied.has(m.version))) {
      const sql = await readFile(migration.path, 'utf8');
      await inTransaction(client, async (tx) => {
        await tx.query(sql);
        await tx.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [
          migration.version,
          migration.name,
        ]);
      }).catch((err: unknown) => {
        throw new Error(`migration ${migration.name} failed: ${(err as Error).message}`, { cause: err });
      });
      log?.info({ database, migration: migration.name }, 'migration applied');
      count++;
    }
    return count;
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [LOCK_KEY]).catch(() => undefined);
    client.release();
  }
}
