import pg from 'pg';
import type { Logger } from '#shared/logging/logger.js';
import { backoffDelayMs } from '#shared/retry/retry.js';
import { waitForLeaderLock } from '../db/leaderLock.js';

export interface Leadership {
  /** Resolves true once this process holds the leader lock; false if released first. */
  acquired: Promise<boolean>;
  /** Resolves (with why) if the lock's session ends after it was acquired. */
  lost: Promise<Error>;
  isLeader(): boolean;
  /** Ends the session: the lock goes to a waiting crawler, if any. */
  release(): Promise<void>;
}

/**
 * One active crawler per online database: the leader holds a session advisory lock on a
 * connection of its own; a second crawler blocks on the same lock (standby) and takes over
 * the moment the leader's session ends — its process died, or its connection broke. A
 * leader whose session ends must stop writing (it no longer excludes the standby): `lost`
 * tells it to. The chain lock and the expected-tip check keep even two writers correct;
 * this keeps them from duplicating the work. Waits, retrying, while PostgreSQL is down.
 */
export function acquireLeadership(options: {
  connectionString: string;
  log: Logger;
  applicationName?: string;
}): Leadership {
  const { log } = options;
  let client: pg.Client | undefined;
  let leader = false;
  let released = false;
  let reportLost!: (err: Error) => void;
  const lost = new Promise<Error>((resolve) => (reportLost = resolve));

  async function attempt(): Promise<boolean> {
    const c = new pg.Client({
      connectionString: options.connectionString,
      application_name: options.applicationName ?? 'forkline-crawler-leader',
    });
    client = c;
    let broken: Error | undefined;
    c.on('error', (err) => {
      broken ??= err;
      if (leader) reportLost(new Error(`the leader lock's session was lost: ${err.message}`));
    });
    c.on('end', () => {
      if (leader && !released) reportLost(new Error("the leader lock's session ended"));
    });
    try {
      await c.connect();
      await waitForLeaderLock(c);
      if (broken) throw broken;
      leader = true;
      return true;
    } catch (err) {
      await c.end().catch(() => undefined);
      if (released) return false;
      throw err;
    }
  }

  const acquired = (async () => {
    for (let failures = 1; !released; failures++) {
      try {
        if (await attempt()) return true;
      } catch (err) {
        const delayMs = backoffDelayMs(failures, 200, 5_000);
        log.warn({ err: (err as Error).message, delayMs }, 'leader lock unavailable, retrying');
        await new Promise((resolve) => setTimeout(resolve, delayMs));
      }
    }
    return false;
  })();

  return {
    acquired,
    lost,
    isLeader: () => leader,
    async release() {
      released = true;
      await client?.end().catch(() => undefined);
    },
  };
}
