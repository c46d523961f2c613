import type { PoolClient } from '#shared/db/pool.js';
import { OUTBOX_CHANNEL } from '#shared/outbox/appendToStream.js';

/** Subscribes the session to the writers' commit-time wake-ups (see appendToStream). */
export async function listenForOutbox(client: PoolClient): Promise<void> {
  await client.query(`LISTEN ${OUTBOX_CHANNEL}`);
}
