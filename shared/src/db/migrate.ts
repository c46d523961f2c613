import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Logger } from '../logging/logger.js';
import type { Pool } from './pool.js';
import { inTransaction } from './withTransaction.js';

export type DatabaseName = 'online' | 'views' | 'trading';

export interface Migration {
  version: number;
  name: string;
  path: string;
}

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
/** Each module keeps the SQL of the tables it owns in `<module>/migrations/<database>/`. */
const MODULES = ['shared', 'crawler', 'relay', 'projector', 'bff', 'trading'];
/**
 * Migration sets several databases share: the outbox (and its version rows) lives in
 * every database that publishes events through a relay, written once under
 * `<module>/migrations/outbox/`.
 */
const SHARED_SETS: Record<DatabaseName, string[]> = {
  online: ['outbox'],
  views: [],
  trading: ['outbox'],
};
// One advisory lock per database, so concurrent starters apply migrations once.
const LOCK_KEY = 0x666f726b; // "fork"

/**
 * Finds the migrations of one database across modules (its own folder and the shared
 * sets it includes): `NNNN_name.sql`, numbers unique within the database.
 */
export async function findMigrations(database: DatabaseName, root = repoRoot): Promise<Migration[]> {
  const found: Migration[] = [];
  for (const folder of [...SHARED_SETS[database], database]) {
    for (const module of MODULES) {
      const dir = join(root, module, 'migrations', folder);
      const files = await readdir(dir).catch(() => [] as string[]);
      for (const file of files) {
        const match = /^(\d{4})_([\w-]+)\.sql$/.exec(file);
        if (!match) continue;
        // The name leaves out the folder: it is what schema_migrations records.
        found.push({ version: Number(match[1]), name: `${module}/${file}`, path: join(dir, file) });
      }
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
 * advisory lock; records each applied one with a checksum of its text. Refuses to
 * start when the database has a migration this code does not know (a newer schema),
 * or when an applied migration's file has changed since (append-only: change the
 * schema with a new migration, never by editing an applied one).
 */
export async function migrate(pool: Pool, database: DatabaseName, log?: Logger): Promise<number> {
  const migrations = await findMigrations(database);
  const texts = new Map<number, string>();
  for (const m of migrations) texts.set(m.version, await readFile(m.path, 'utf8'));
  const client = await pool.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [LOCK_KEY]);
    await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
    await client.query('ALTER TABLE schema_migrations ADD COLUMN IF NOT EXISTS checksum text');
    const { rows } = await client.query<{ version: number; checksum: string | null }>(
      'SELECT version, checksum FROM schema_migrations',
    );
    const applied = new Map(rows.map((r) => [r.version, r.checksum]));
    const known = new Set(migrations.map((m) => m.version));
    const unknown = [...applied.keys()].filter((v) => !known.has(v));
    if (unknown.length > 0) {
      throw new Error(`${database} database has migrations this code does not know: ${unknown.join(', ')}`);
    }
    const changed = migrations.filter((m) => {
      const recorded = applied.get(m.version);
      return recorded != null && recorded !== checksum(texts.get(m.version)!);
    });
    if (changed.length > 0) {
      throw new Error(
        `${database} database: applied migration(s) changed since: ${changed.map((m) => m.name).join(', ')}; ` +
          'add a new migration instead (a development database can be recreated with make clean)',
      );
    }
    let count = 0;
    for (const migration of migrations.filter((m) => !applied.has(m.version))) {
      const sql = texts.get(migration.version)!;
      await inTransaction(client, async (tx) => {
        await tx.query(sql);
        await tx.query('INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)', [
          migration.version,
          migration.name,
          checksum(sql),
        ]);
      }).catch((err: unknown) => {
        throw new Error(`migration ${migration.name} failed: ${(err as Error).message}`, { cause: err });
      });
      log?.info({ database, migration: migration.name }, 'migration applied');
      count++;
    }
    // Rows recorded before checksums existed take the current text's.
    for (const [version, recorded] of applied) {
      if (recorded === null) {
        await client.query('UPDATE schema_migrations SET checksum = $2 WHERE version = $1', [
          version,
          checksum(texts.get(version)!),
        ]);
      }
    }
    return count;
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [LOCK_KEY]).catch(() => undefined);
    client.release();
  }
}

function checksum(sql: string): string {
  return createHash('sha256').update(sql).digest('hex');
}
