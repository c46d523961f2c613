import type { Executor } from '#shared/db/pool.js';
import { OUTBOX_TABLE } from '#shared/outbox/appendSql.js';

/** An outbox row as the relay publishes it, not yet validated. */
export interface OutboxEnvelope {
  id: string;
  type: string;
  stream: string;
  version: number;
  occurredAt: string;
  payload: unknown;
}

/**
 * Every outbox row, in id order, as the envelope the relay sends to Kafka and the
 * projector parses (relay/src/publish/toKafkaMessage.ts): the payload is the JSON text
 * PostgreSQL stored, parsed as the projector parses the message.
 */
export async function selectOutboxEvents(ex: Executor): Promise<OutboxEnvelope[]> {
  const { rows } = await ex.query<{
    event_id: string;
    type: string;
    stream: string;
    version: number;
    occurred_at: Date;
    payload_json: string;
  }>(
    `SELECT event_id, type, stream, version, occurred_at, payload::text AS payload_json
       FROM ${OUTBOX_TABLE} ORDER BY id`,
  );
  return rows.map((r) => ({
    id: r.event_id,
    type: r.type,
    stream: r.stream,
    version: r.version,
    occurredAt: r.occurred_at.toISOString(),
    payload: JSON.parse(r.payload_json) as unknown,
  }));
}
