import { randomUUID } from 'node:crypto';
import { partitionKey } from '../events/partitionKey.js';
import type { ForklineEvent, RecordedEvent } from '../events/types.js';

export const OUTBOX_TABLE = 'outbox';
export const STREAM_VERSIONS_TABLE = 'stream_versions';
/** Writers NOTIFY this channel; the relay LISTENs so it wakes at commit time. */
export const OUTBOX_CHANNEL = 'forkline_outbox';

/** One stream's append as SQL: its CTEs, their parameters, and how to number the result. */
export interface AppendSql {
  /** `appended_version AS (…), appended_events AS (…)`, for a WITH clause. */
  ctes: string;
  /** The select-list item NOTIFYing the relay: select it FROM appended_version. */
  notify: string;
  values: unknown[];
  /** The recorded events, once the statement returned the stream's new last version. */
  recorded(lastVersion: number): RecordedEvent[];
}

/**
 * The upsert of the stream's version row and the insert of its outbox rows numbered from
 * it, as CTEs whose parameters start after `offset` others: a writer can put its own
 * row's change before them in the same statement. The version row stays locked by the
 * upsert until commit, so concurrent writers of a stream serialise and versions stay
 * dense (1, 2, 3 …) and ordered by commit.
 */
export function appendSql(
  stream: string,
  events: ForklineEvent[],
  occurredAt: Date,
  offset: number,
): AppendSql {
  const p = (i: number) => `$${offset + i}`;
  const ids = events.map(() => randomUUID());
  const at = occurredAt.toISOString();
  return {
    ctes: `appended_version AS (
       INSERT INTO ${STREAM_VERSIONS_TABLE} AS s (stream, version) VALUES (${p(1)}, ${p(2)})
       ON CONFLICT (stream) DO UPDATE SET version = s.version + EXCLUDED.version
       RETURNING version),
     appended_events AS (
       INSERT INTO ${OUTBOX_TABLE} (event_id, stream, version, type, payload, occurred_at, partition_key)
       SELECT e.id, ${p(1)}, v.version - ${p(2)} + e.ord, e.type, e.payload::jsonb, ${p(6)}, nullif(e.key, ${p(1)})
         FROM appended_version v,
              unnest(${p(3)}::uuid[], ${p(4)}::text[], ${p(5)}::text[], ${p(8)}::text[])
                WITH ORDINALITY AS e (id, type, payload, key, ord)
        ORDER BY e.ord)`,
    notify: `pg_notify(${p(7)}, '')`,
    values: [
      stream,
      events.length,
      ids,
      events.map((e) => e.type),
      events.map((e) => JSON.stringify(e.payload)),
      at,
      OUTBOX_CHANNEL,
      events.map((e) => partitionKey(stream, e.payload)),
    ],
    recorded: (last) =>
      events.map((e, i) => ({
        ...e,
        id: ids[i]!,
        stream,
        version: last - events.length + 1 + i,
        occurredAt: at,
      })),
  };
}
