import type { Executor } from '#shared/db/pool.js';
import type { ProjectionTables } from '#shared/views/projectionTables.js';

export interface DeadLetter {
  stream: string | null;
  version: number | null;
  topic: string;
  partition: number;
  offset: string;
  reason: string;
  raw: string;
}

/** Records poison messages; a re-delivered one (same topic/partition/offset) is kept once. */
export async function insertDeadLetters(
  tx: Executor,
  tables: ProjectionTables,
  letters: DeadLetter[],
): Promise<number> {
  if (letters.length === 0) return 0;
  const { rowCount } = await tx.query(
    `INSERT INTO ${tables.deadLetters} (stream, version, topic, kafka_partition, kafka_offset, reason, raw)
     SELECT * FROM unnest($1::text[], $2::bigint[], $3::text[], $4::int[], $5::bigint[], $6::text[], $7::text[])
     ON CONFLICT (topic, kafka_partition, kafka_offset) DO NOTHING`,
    [
      letters.map((l) => l.stream),
      letters.map((l) => l.version),
      letters.map((l) => l.topic),
      letters.map((l) => l.partition),
      letters.map((l) => l.offset),
      letters.map((l) => l.reason),
      letters.map((l) => l.raw),
    ],
  );
  return rowCount ?? 0;
}
