-- Exact freshness. A chain event (BlockConnected/BlockDisconnected) names the versions its
-- write gave the users' streams; those events may sit in other partitions and be applied
-- later. Until a user's stream reaches `version`, that user's answers claim the chain
-- position (`height`, `hash`) below the event — the block under a connected one, the one
-- under a disconnected one — not the tip. Rows are written only
-- while unmet and swept once met; a reader treats a met row as absent.
ALTER FUNCTION create_projection_tables(text) RENAME TO create_projection_tables_0002;

CREATE FUNCTION create_projection_tables(target text) RETURNS void LANGUAGE plpgsql AS $fn$
BEGIN
  PERFORM create_projection_tables_0002(target);
  EXECUTE format($$CREATE TABLE %I.stream_awaits (
    stream        text NOT NULL,
    chain_version bigint NOT NULL,
    version       bigint NOT NULL,
    height        integer NOT NULL,
    hash          text NOT NULL,
    PRIMARY KEY (stream, chain_version)
  )$$, target);
END
$fn$;

CREATE TABLE projection.stream_awaits (
  stream        text NOT NULL,
  chain_version bigint NOT NULL,
  version       bigint NOT NULL,
  height        integer NOT NULL,
  hash          text NOT NULL,
  PRIMARY KEY (stream, chain_version)
);
