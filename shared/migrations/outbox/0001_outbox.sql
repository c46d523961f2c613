-- Per-stream versions: the row lock taken by appendToStream serialises writers of a
-- stream, so versions are dense and in commit order.
CREATE TABLE stream_versions (
  stream  text PRIMARY KEY,
  version bigint NOT NULL CHECK (version > 0)
);

-- The transactional outbox: written in the same transaction as the change it
-- describes, moved to Kafka by the relay, then deleted.
CREATE TABLE outbox (
  id          bigserial PRIMARY KEY,
  event_id    uuid NOT NULL UNIQUE,
  stream      text NOT NULL,
  version     bigint NOT NULL,
  type        text NOT NULL,
  payload     jsonb NOT NULL,
  occurred_at timestamptz NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT clock_timestamp(),
  UNIQUE (stream, version)
);
