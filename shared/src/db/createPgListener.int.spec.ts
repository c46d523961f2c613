import { createServer, type AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../logging/logger.js';
import { createTestDatabases, type TestDatabases } from '../testing/testDatabases.js';
import { waitFor } from '../testing/waitFor.js';
import { createPgListener, type PgListener } from './createPgListener.js';

const log = createLogger('listener-test', 'silent');
const CHANNEL = 'forkline_listener_test';
const APPLICATION = 'forkline-listener-test';

describe('createPgListener (real PostgreSQL)', () => {
  let dbs: TestDatabases;
  beforeAll(async () => {
    dbs = await createTestDatabases('listener');
  });
  afterAll(() => dbs.drop());

  function listen(events: string[]): PgListener {
    return createPgListener({
      connectionString: dbs.onlineUrl,
      applicationName: APPLICATION,
      channel: CHANNEL,
      onNotification: (payload) => events.push(`notify:${payload}`),
      onListening: async (client) => {
        // The catch-up runs on the listening connection itself, after LISTEN took effect.
        const { rows } = await client.query<{ listening: boolean }>(
          `SELECT $1 = ANY (SELECT pg_listening_channels()) AS listening`,
          [CHANNEL],
        );
        events.push(`listening:${rows[0]!.listening}`);
      },
      log,
      initialRetryMs: 20,
      maxRetryMs: 100,
    });
  }

  const notify = (payload: string) => dbs.online.query('SELECT pg_notify($1, $2)', [CHANNEL, payload]);

  it('delivers notifications, and catches up again after its connection is killed', async () => {
    const events: string[] = [];
    const listener = listen(events);
    await listener.start();
    expect(events).toEqual(['listening:true']);
    await notify('a');
    await waitFor(() => events.includes('notify:a'), Boolean, { what: 'the first notification' });

    const { rows } = await dbs.online.query<{ killed: boolean }>(
      `SELECT pg_terminate_backend(pid) AS killed FROM pg_stat_activity
        WHERE application_name = $1 AND datname = current_database()`,
      [APPLICATION],
    );
    expect(rows).toEqual([{ killed: true }]);
    await waitFor(
      () => events.filter((e) => e === 'listening:true').length,
      (n) => n === 2,
      {
        what: 'the reconnect and second catch-up',
      },
    );
    await notify('b');
    await waitFor(() => events.includes('notify:b'), Boolean, { what: 'a notification after reconnecting' });
    await listener.close();
    await notify('c');
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(events).not.toContain('notify:c');
  });

  it('retries a failing catch-up, and close() ends a start that never succeeded', async () => {
    let attempts = 0;
    const failing = createPgListener({
      connectionString: dbs.onlineUrl,
      applicationName: APPLICATION,
      channel: CHANNEL,
      onNotification: () => undefined,
      onListening: () => {
        attempts++;
        throw new Error('catch-up failed');
      },
      log,
      initialRetryMs: 10,
      maxRetryMs: 20,
    });
    const started = failing.start();
    await waitFor(
      () => attempts,
      (n) => n >= 3,
      { what: 'three attempts' },
    );
    await failing.close();
    await expect(started).rejects.toThrow();
    const { rows } = await dbs.online.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = $1`,
      [APPLICATION],
    );
    expect(rows[0]!.n).toBe(0);
  });

  it('gives up on a server that never answers, and close() ends such a connect at once', async () => {
    // Accepts TCP connections and never says a word: a host that drops packets after SYN.
    let attempts = 0;
    const silent = createServer(() => void attempts++);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as AddressInfo).port;
    const listener = createPgListener({
      connectionString: `postgres://u:p@127.0.0.1:${port}/db`,
      applicationName: APPLICATION,
      channel: CHANNEL,
      onNotification: () => undefined,
      onListening: () => undefined,
      log,
      connectTimeoutMs: 100,
      initialRetryMs: 10,
      maxRetryMs: 10,
    });
    try {
      const started = listener.start();
      started.catch(() => undefined);
      // A second attempt means the first one timed out instead of hanging.
      await waitFor(
        () => attempts,
        (n) => n >= 2,
        { what: 'connect timeouts', timeoutMs: 5_000 },
      );
      const before = Date.now();
      await listener.close();
      expect(Date.now() - before).toBeLessThan(1_000);
      await expect(started).rejects.toThrow();
    } finally {
      silent.close();
    }
  });

  it('refuses a channel that is not a plain identifier', () => {
    expect(() =>
      createPgListener({
        connectionString: dbs.onlineUrl,
        applicationName: APPLICATION,
        channel: 'x; DROP TABLE users',
        onNotification: () => undefined,
        onListening: () => undefined,
        log,
      }),
    ).toThrow(/invalid LISTEN channel/);
  });
});
