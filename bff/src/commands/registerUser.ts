import type { Pool } from '#shared/db/pool.js';
import { withTransaction } from '#shared/db/withTransaction.js';
import { userStream } from '#shared/events/streams.js';
import { appendToStream } from '#shared/outbox/appendToStream.js';
import { insertUser } from '../db/insertUser.js';

export type RegisterUserOutcome = { outcome: 'registered'; userId: string } | { outcome: 'exists' };

/** Writes the user row and its UserRegistered event in one transaction. */
export function registerUser(online: Pool, userId: string): Promise<RegisterUserOutcome> {
  return withTransaction(online, async (tx) => {
    if (!(await insertUser(tx, userId))) return { outcome: 'exists' };
    await appendToStream(tx, userStream(userId), [{ type: 'UserRegistered', payload: { userId } }]);
    return { outcome: 'registered', userId };
  });
}
