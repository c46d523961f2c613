-- Every batch updates the balance and the stream-version row of each user it touches.
-- Filled to 100 %, a page has no room for the new row version, so each update also adds an
-- entry to the primary key's index (and leaves one dead there). With room left on the page
-- the update is HOT: neither key changes, so no index entry is written. New pages are
-- filled to 70 %; pages written before this migration gain room as they are vacuumed.
CREATE FUNCTION alter_projection_tables_0006(target text) RETURNS void LANGUAGE plpgsql AS $fn$
BEGIN
  EXECUTE format('ALTER TABLE %I.balances SET (fillfactor = 70)', target);
  EXECUTE format('ALTER TABLE %I.stream_versions SET (fillfactor = 70)', target);
END
$fn$;

ALTER FUNCTION create_projection_tables(text) RENAME TO create_projection_tables_0005;

CREATE FUNCTION create_projection_tables(target text) RETURNS void LANGUAGE plpgsql AS $fn$
BEGIN
  PERFORM create_projection_tables_0005(target);
  PERFORM alter_projection_tables_0006(target);
END
$fn$;

SELECT alter_projection_tables_0006('projection');
