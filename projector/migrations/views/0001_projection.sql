-- The read model lives in the schema `projection`. Its tables are created by a
-- function so that a rebuild can create an identical, empty set in another schema,
-- fill it from the topic, and swap it in with a rename (one step for readers).
CREATE FUNCTION create_projection_tables(target text) RETURNS void LANGUAGE plpgsql AS $fn$
BEGIN
  EXECUTE format('CREATE SCHEMA %I', target);

  -- One row per user: the balance is read, never aggregated.
  EXECUTE format($$CREATE TABLE %I.balances (
    user_id        text PRIMARY KEY,
    confirmed_sats bigint NOT NULL DEFAULT 0,
    pending_sats   bigint NOT NULL DEFAULT 0,
    tx_count       integer NOT NULL DEFAULT 0,
    version        bigint NOT NULL DEFAULT 0,
    updated_at     timestamptz NOT NULL DEFAULT now()
  )$$, target);

  -- One row per (user, txid); seq orders a user's activities newest first and gives
  -- stable cursors (new rows always get a higher seq, so pages never repeat or skip).
  EXECUTE format($$CREATE TABLE %I.activities (
    user_id       text NOT NULL,
    txid          text NOT NULL,
    seq           bigint GENERATED ALWAYS AS IDENTITY,
    type          text NOT NULL CHECK (type IN ('receive', 'send', 'self')),
    amount_sats   bigint NOT NULL,
    status        text NOT NULL CHECK (status IN ('confirmed', 'reverted')),
    block_hash    text,
    block_height  integer,
    first_seen_at timestamptz NOT NULL,
    updated_at    timestamptz NOT NULL,
    PRIMARY KEY (user_id, txid)
  )$$, target);
  EXECUTE format('CREATE UNIQUE INDEX ON %I.activities (user_id, seq DESC)', target);

  -- Every change of an activity (confirmed in block X, reverted, confirmed again in Y).
  EXECUTE format($$CREATE TABLE %I.activity_changes (
    user_id      text NOT NULL,
    txid         text NOT NULL,
    version      bigint NOT NULL,
    status       text NOT NULL,
    amount_sats  bigint NOT NULL,
    block_hash   text NOT NULL,
    block_height integer NOT NULL,
    occurred_at  timestamptz NOT NULL,
    PRIMARY KEY (user_id, version)
  )$$, target);

  -- The main chain as the projection knows it; the tip is its highest row.
  EXECUTE format($$CREATE TABLE %I.chain_blocks (
    height    integer PRIMARY KEY,
    hash      text NOT NULL,
    prev_hash text NOT NULL,
    time      bigint NOT NULL
  )$$, target);

  EXECUTE format($$CREATE TABLE %I.users (
    user_id       text PRIMARY KEY,
    registered_at timestamptz NOT NULL
  )$$, target);

  EXECUTE format($$CREATE TABLE %I.user_addresses (
    address      text PRIMARY KEY,
    user_id      text NOT NULL,
    address_type text NOT NULL,
    added_at     timestamptz NOT NULL
  )$$, target);
  EXECUTE format('CREATE INDEX ON %I.user_addresses (user_id)', target);

  -- Applied version per stream: the projector's idempotence and ordering check.
  EXECUTE format($$CREATE TABLE %I.stream_versions (
    stream  text PRIMARY KEY,
    version bigint NOT NULL
  )$$, target);

  -- Events that arrived ahead of a gap, waiting for their predecessors.
  EXECUTE format($$CREATE TABLE %I.parked_events (
    stream    text NOT NULL,
    version   bigint NOT NULL,
    event     jsonb NOT NULL,
    parked_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (stream, version)
  )$$, target);

  -- Poison events (unknown type, invalid payload), with the reason; their stream stops.
  EXECUTE format($$CREATE TABLE %I.dead_letters (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    stream      text,
    version     bigint,
    topic       text NOT NULL,
    kafka_partition integer NOT NULL,
    kafka_offset    bigint NOT NULL,
    reason      text NOT NULL,
    raw         text NOT NULL,
    received_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (topic, kafka_partition, kafka_offset)
  )$$, target);
END
$fn$;

SELECT create_projection_tables('projection');
