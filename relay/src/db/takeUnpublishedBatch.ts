import type { Executor } from '#shared/db/pool.js';
import { OUTBOX_TABLE } from '#shared/outbox/appendSql.js';

interface OutboxRow {
  id: number;
  event_id: string;
  stream: string;
  partition_key: string;
  version: number;
  type: string;
  payload_json: string;
  occurred_at: Date;
}

/** An unpublished outbox row; the payload stays JSON text, spliced into the message as is. */
export interface OutboxEvent {
  id: number;
  eventId: string;
  stream: string;
  /** The Kafka key: the stream, or for an order's events their user's stream (see partitionKey). */
  partitionKey: string;
  version: number;
  type: string;
  payloadJson: string;
  occurredAt: Date;
}

/**
 * Takes the oldest unpublished rows, in id order, skipping those another batch holds: one
 * statement locks and deletes them, so the transaction only has to commit once Kafka
 * acked (a rollback puts them back). The rows are reached by their ctid, which stays put
 * while they are locked, so the delete costs no second index probe.
 *
 * No "id > last seen" cursor: ids are taken at insert but rows appear at commit, so a
 * cursor would skip a transaction that commits after a later-numbered one.
 */
export async function takeUnpublishedBatch(tx: Executor, limit: number): Promise<OutboxEvent[]> {
  const { rows } = await tx.query<OutboxRow>(
    `DELETE FROM ${OUTBOX_TABLE}
      WHERE ctid = ANY (ARRAY(SELECT ctid FROM ${OUTBOX_TABLE} ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED))
  RETURNING id, event_id, stream, coalesce(partition_key, stream) AS partition_key, version, type,
            payload::text AS payload_json, occurred_at`,
    [limit],
  );
  return rows
    .map((r) => ({
      id: r.id,
      eventId: r.event_id,
      stream: r.stream,
      partitionKey: r.partition_key,
      version: r.version,
      type: r.type,
      payloadJson: r.payload_json,
      occurredAt: r.occurred_at,
    }))
    .sort((a, b) => a.id - b.id);
}
