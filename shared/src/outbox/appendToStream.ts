import type { Executor } from '../db/pool.js';
import type { ForklineEvent, RecordedEvent } from '../events/types.js';
import { appendSql } from './appendSql.js';

/**
 * Appends events to one stream inside the caller's transaction, in one statement (one
 * round trip): the version upsert, the outbox rows numbered from its result, the NOTIFY.
 */
export async function appendToStream(
  tx: Executor,
  stream: string,
  events: ForklineEvent[],
  occurredAt: Date = new Date(),
): Promise<RecordedEvent[]> {
  if (events.length === 0) return [];
  const append = appendSql(stream, events, occurredAt, 0);
  const { rows } = await tx.query<{ version: number }>({
    // Prepared once per connection: the hottest statement of every writer.
    name: 'forkline_append_to_stream',
    text: `WITH ${append.ctes} SELECT version, ${append.notify} FROM appended_version`,
    values: append.values,
  });
  return append.recorded(rows[0]!.version);
}
