import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Pool } from '#shared/db/pool.js';
import { createLogger } from '#shared/logging/logger.js';
import { createTestDatabases, type TestDatabases } from '#shared/testing/testDatabases.js';
import { waitFor } from '#shared/testing/waitFor.js';
import { createWatchIndex } from '../matching/watchIndex.js';
import { addUser } from '../testing/crawlerHarness.js';
import { createAddressWatcher } from './addressWatcher.js';

const ADDRESS = 'bcrt1qw508d6qejxtdg4y5r3zarvary0c5xw7kygt080';

describe('address watcher (real PostgreSQL)', () => {
  let dbs: TestDatabases;
  beforeAll(async () => {
    dbs = await createTestDatabases('address_watcher');
  });
  afterAll(() => dbs.drop());

  it('retries a new address whose load failed until it is in, counting it meanwhile', async () => {
    // The watcher's pool fails its first three queries, as a database away for a moment.
    let failuresLeft = 3;
    const flaky = {
      query: (...args: Parameters<Pool['query']>) =>
        failuresLeft-- > 0
          ? Promise.reject(new Error('Connection terminated unexpectedly'))
          : (dbs.online.query as (...a: unknown[]) => unknown)(...args),
    } as unknown as Pool;
    const index = createWatchIndex();
    const seen: number[] = [];
    const watcher = createAddressWatcher({
      connectionString: dbs.onlineUrl,
      pool: flaky,
      index,
      log: createLogger('watch-test', 'silent'),
      onChange: (_size, failing) => seen.push(failing),
    });
    await watcher.start();
    try {
      await addUser(dbs.online, 'alice', [ADDRESS]);
      await waitFor(() => index.has(ADDRESS), Boolean, {
        what: 'the address in the index',
        timeoutMs: 30_000,
      });
      expect(failuresLeft).toBeLessThan(0);
      expect(Math.max(...seen)).toBe(1); // counted while failing
      expect(seen.at(-1)).toBe(0); // and no longer once in
    } finally {
      await watcher.close();
    }
  });
});
