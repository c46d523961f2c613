import { z } from 'zod';
import { postgresUrl } from '#shared/config/fields.js';
import { loadConfig } from '#shared/config/loadConfig.js';
import { migrate } from '#shared/db/migrate.js';
import { createPool } from '#shared/db/pool.js';
import { runMain } from '#shared/lifecycle/runMain.js';
import { createLogger } from '#shared/logging/logger.js';

/** Applies the pending migrations of the online, views and trading databases (run by `make up`). */
runMain(async () => {
  const config = loadConfig({
    ONLINE_DATABASE_URL: postgresUrl(),
    VIEWS_DATABASE_URL: postgresUrl(),
    TRADING_DATABASE_URL: postgresUrl(),
    LOG_LEVEL: z.string().default('warn'),
  });
  const log = createLogger('migrate', config.LOG_LEVEL);
  for (const [database, url] of [
    ['online', config.ONLINE_DATABASE_URL],
    ['views', config.VIEWS_DATABASE_URL],
    ['trading', config.TRADING_DATABASE_URL],
  ] as const) {
    const pool = createPool({ connectionString: url, max: 1, log });
    try {
      const applied = await migrate(pool, database, log);
      if (applied > 0) console.error(`[migrate] ${database}: ${applied} migration(s) applied`);
    } finally {
      await pool.end();
    }
  }
});
