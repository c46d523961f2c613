-- Mempool activities: TxPending / TxDropped make rows `pending`, `replaced` or `dropped`
-- (with the drop reason and the replacing txid), and TxConfirmed's coinbase flag is kept
-- for the immature balance. The function that creates a read model is redefined for the
-- new shape (rebuilds), and the live `projection` is altered to exactly that shape: new
-- columns last, in the same order, constraints and indexes under the same names.
CREATE OR REPLACE FUNCTION create_projection_tables(target text) RETURNS void LANGUAGE plpgsql AS $fn$
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
    status        text NOT NULL
                  CHECK (status IN ('pending', 'confirmed', 'reverted', 'replaced', 'dropped')),
    block_hash    text,
    block_height  integer,
    first_seen_at timestamptz NOT NULL,
    updated_at    timestamptz NOT NULL,
    drop_reason   text CHECK (drop_reason IN ('replaced', 'conflict', 'evicted')),
    replaced_by   text,
    coinbase      boolean NOT NULL DEFAULT false,
    replaceable   boolean,
    PRIMARY KEY (user_id, txid)
  )$$, target);
  EXECUTE format('CREATE UNIQUE INDEX ON %I.activities (user_id, seq DESC)', target);
  -- The user's coinbase rows by height: the BFF sums the immature ones (fewer than 100
  -- confirmations) per balance read, a handful of index entries at most.
  EXECUTE format('CREATE INDEX activities_coinbase_idx ON %I.activities (user_id, block_height) WHERE coinbase', target);

  -- Every change of an activity (pending, confirmed in block X, reverted, confirmed again
  -- in Y; or replaced / dropped): the block of a confirm or revert, null for mempool steps.
  EXECUTE format($$CREATE TABLE %I.activity_changes (
    user_id      text NOT NULL,
    txid         text NOT NULL,
    version      bigint NOT NULL,
    status       text NOT NULL,
    amount_sats  bigint NOT NULL,
    block_hash   text,
    block_height integer,
    occurred_at  timestamptz NOT NULL,
    drop_reason  text,
    replaced_by  text,
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

ALTER TABLE projection.activities DROP CONSTRAINT activities_status_check;
ALTER TABLE projection.activities
  ADD CONSTRAINT activities_status_check
    CHECK (status IN ('pending', 'confirmed', 'reverted', 'replaced', 'dropped')),
  ADD COLUMN drop_reason text CHECK (drop_reason IN ('replaced', 'conflict', 'evicted')),
  ADD COLUMN replaced_by text,
  ADD COLUMN coinbase    boolean NOT NULL DEFAULT false,
  ADD COLUMN replaceable boolean;
CREATE INDEX activities_coinbase_idx ON projection.activities (user_id, block_height) WHERE coinbase;

ALTER TABLE projection.activity_changes
  ALTER COLUMN block_hash DROP NOT NULL,
  ALTER COLUMN block_height DROP NOT NULL,
  ADD COLUMN drop_reason text,
  ADD COLUMN replaced_by text;
