-- An address registered with its history (AddressAdded rescanFromHeight) is "rescanning"
-- until the crawler's AddressRescanned: until then its past activities may still be on
-- their way, and the balance read says so. The partial index holds only those rows, so
-- the balance read's check costs one probe of a nearly empty index.
CREATE FUNCTION alter_projection_tables_0007(target text) RETURNS void LANGUAGE plpgsql AS $fn$
BEGIN
  EXECUTE format('ALTER TABLE %I.user_addresses ADD COLUMN rescan_from_height integer', target);
  EXECUTE format('ALTER TABLE %I.user_addresses ADD COLUMN rescanning boolean NOT NULL DEFAULT false', target);
  EXECUTE format('CREATE INDEX ON %I.user_addresses (user_id) WHERE rescanning', target);
END
$fn$;

ALTER FUNCTION create_projection_tables(text) RENAME TO create_projection_tables_0006;

CREATE FUNCTION create_projection_tables(target text) RETURNS void LANGUAGE plpgsql AS $fn$
BEGIN
  PERFORM create_projection_tables_0006(target);
  PERFORM alter_projection_tables_0007(target);
END
$fn$;

SELECT alter_projection_tables_0007('projection');
