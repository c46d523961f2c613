import pg from 'pg';
import type { Logger } from '../logging/logger.js';

export type Pool = pg.Pool;
export type PoolClient = pg.PoolClient;
/** Anything that runs a query: a pool, or a client inside a transaction. */
export type Executor = Pick<pg.Pool, 'query'> | pg.PoolClient;

// int8 (bigint) columns hold satoshi amounts and versions, always below 2^53:
// parse them as numbers instead of pg's default strings.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));
pg.types.setTypeParser(pg.types.builtins.NUMERIC, (v) => Number(v));

export interface PoolOptions {
  connectionString: string;
  max?: number;
  applicationName?: string;
  log?: Logger;
}

export function createPool({
  connectionString,
  max = 10,
  applicationName = 'forkline',
  log,
}: PoolOptions): Pool {
  const pool = new pg.Pool({
    connectionString,
    max,
    application_name: applicationName,
    // No JIT: our statements are short and set-based, but arrays from unnest() make the
    // planner guess millions of rows, and compiling such a plan cost ~0.9 s of a 1.1 s
    // block apply (a block paying 5,000 users), where the work itself took 0.2 s.
    // synchronous_commit on whatever the server's default: a commit we were told of must
    // survive a server crash — the projector commits its Kafka offset after it, trading
    // answers 201 after it. (The relay turns it off for its own transactions, where a lost
    // commit only means publishing again.)
    options: '-c jit=off -c synchronous_commit=on',
    connectionTimeoutMillis: 5_000,
    idleTimeoutMillis: 30_000,
  });
  // An idle client losing its server emits 'error' on the pool; unhandled it would
  // crash the process, while the next query simply gets a new connection.
  pool.on('error', (err) => log?.warn({ err: err.message }, 'idle database connection lost'));
  return pool;
}
