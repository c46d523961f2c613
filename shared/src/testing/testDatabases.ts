import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { migrate, type DatabaseName } from '../db/migrate.js';
import { createPool, type Pool } from '../db/pool.js';
import { readStackEnv } from './stackEnv.js';

export interface TestDatabases {
  onlineUrl: string;
  viewsUrl: string;
  online: Pool;
  views: Pool;
  /** Closes the pools and drops both databases. */
  drop(): Promise<void>;
}

export interface TestDatabase {
  url: string;
  pool: Pool;
  /** Closes the pool and drops the database. */
  drop(): Promise<void>;
}

/**
 * A fresh, migrated pair of databases (online + views) for one spec file, so specs
 * never see each other's rows. Dropped again by `drop()`.
 */
export async function createTestDatabases(label = 'test'): Promise<TestDatabases> {
  const stack = readStackEnv();
  const suffix = uniqueSuffix(label);
  const names = [`fl_${suffix}_online`, `fl_${suffix}_views`];
  await adminQuery(stack.ONLINE_DATABASE_URL, names, 'create');
  const onlineUrl = withDatabase(stack.ONLINE_DATABASE_URL, names[0]!);
  const viewsUrl = withDatabase(stack.VIEWS_DATABASE_URL, names[1]!);
  const online = createPool({ connectionString: onlineUrl, max: 5 });
  const views = createPool({ connectionString: viewsUrl, max: 5 });
  await migrate(online, 'online');
  await migrate(views, 'views');
  return {
    onlineUrl,
    viewsUrl,
    online,
    views,
    async drop() {
      await Promise.all([online.end(), views.end()]);
      await adminQuery(stack.ONLINE_DATABASE_URL, names, 'drop');
    },
  };
}

/** A fresh, migrated database of one kind (e.g. the trading service's) for one spec file. */
export async function createTestDatabase(database: DatabaseName, label = 'test'): Promise<TestDatabase> {
  const stack = readStackEnv();
  const name = `fl_${uniqueSuffix(label)}_${database}`;
  await adminQuery(stack.ONLINE_DATABASE_URL, [name], 'create');
  const url = withDatabase(stack.ONLINE_DATABASE_URL, name);
  const pool = createPool({ connectionString: url, max: 10 });
  await migrate(pool, database);
  return {
    url,
    pool,
    async drop() {
      await pool.end();
      await adminQuery(stack.ONLINE_DATABASE_URL, [name], 'drop');
    },
  };
}

const uniqueSuffix = (label: string) =>
  `${label.replace(/\W/g, '_').slice(0, 20)}_${randomBytes(4).toString('hex')}`.toLowerCase();

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

async function adminQuery(url: string, names: string[], action: 'create' | 'drop') {
  const client = new pg.Client({ connectionString: withDatabase(url, 'postgres') });
  await client.connect();
  try {
    for (const name of names) {
      await client.query(
        action === 'create' ? `CREATE DATABASE "${name}"` : `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`,
      );
    }
  } finally {
    await client.end();
  }
}
