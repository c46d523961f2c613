import { isTransientDbError } from '#shared/db/isTransientDbError.js';
import { ForklineError } from '#shared/errors/catalogue.js';

/**
 * Runs database work for a route; a database that is down or restarting becomes a 503
 * naming which one (the process stays up and the next request reconnects). Anything else
 * propagates unchanged.
 */
export async function fromDatabase<T>(database: 'online' | 'views', work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (isTransientDbError(err)) {
      throw new ForklineError(
        'DEPENDENCY_UNAVAILABLE',
        `the ${database} database is unreachable right now; try again shortly`,
        { cause: err },
      );
    }
    throw err;
  }
}
