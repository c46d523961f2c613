-- Addresses join the crawler's matching at a recorded height, so that none is missed
-- whatever the timing of its registration, and an address can be rescanned from a past
-- height for its history.
--
--  * from_height: the first block height it must be matched in. Set at insert, under the
--    chain lock taken shared (CHAIN_LOCK_KEY of crawler/src/db/lockChain.ts), so no block
--    is applied or reverted between reading the tip and the commit: the crawler's tip + 1
--    unless the writer asks for an earlier height (a rescan), never later than that, and
--    never below the crawler's first stored block (it holds none below: the answer says
--    from where the history is really counted).
--  * joined_height: NULL until the crawler matches it live; then every block up to it has
--    been scanned for it and every later one is matched live. Rows from before this
--    migration were matched live all along.
--  * rescan_id: the rescan covering [from_height, tip] for it while it is not joined
--    (the crawler assigns one when it learns the address late).
--  * rescan_requested: the writer asked for the history (AddressAdded rescanFromHeight):
--    the crawler announces its end (AddressRescanned) so the read side can say so.
-- Constant defaults fill the existing rows without rewriting the table; dropped after.
ALTER TABLE watched_addresses
  ADD COLUMN from_height integer NOT NULL DEFAULT 0 CHECK (from_height >= 0),
  ADD COLUMN joined_height integer DEFAULT 0,
  ADD COLUMN rescan_requested boolean NOT NULL DEFAULT false,
  ADD COLUMN rescan_id bigint;
ALTER TABLE watched_addresses ALTER COLUMN from_height DROP DEFAULT, ALTER COLUMN joined_height DROP DEFAULT;
-- What the crawler's loop asks on every pass: the addresses it has not placed yet.
CREATE INDEX watched_addresses_waiting_idx ON watched_addresses (from_height)
  WHERE joined_height IS NULL AND rescan_id IS NULL;
CREATE INDEX watched_addresses_rescan_idx ON watched_addresses (rescan_id) WHERE rescan_id IS NOT NULL;

CREATE FUNCTION watched_address_from_height() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  v_next integer;
BEGIN
  PERFORM pg_advisory_xact_lock_shared(1668440439); -- 0x63726177, "crawl"
  SELECT coalesce(max(height), -1) + 1 INTO v_next FROM crawler_blocks;
  NEW.from_height := least(greatest(coalesce(NEW.from_height, v_next),
                                    coalesce((SELECT min(height) FROM crawler_blocks), 0)), v_next);
  RETURN NEW;
END $$;

CREATE TRIGGER watched_addresses_from_height BEFORE INSERT ON watched_addresses
  FOR EACH ROW EXECUTE FUNCTION watched_address_from_height();

-- Rescans: blocks [next_height, tip] of the stored chain still to scan for the addresses
-- whose rescan_id is this one; one runs at a time, oldest first. A revert below
-- next_height moves it back (the replacing blocks are scanned again).
CREATE TABLE crawler_rescans (
  rescan_id      bigserial PRIMARY KEY,
  from_height    integer NOT NULL CHECK (from_height >= 0),
  next_height    integer NOT NULL CHECK (next_height >= 0),
  blocks_scanned bigint NOT NULL DEFAULT 0,
  created_at     timestamptz NOT NULL DEFAULT now(),
  started_at     timestamptz,
  finished_at    timestamptz,
  -- the stored tip the addresses joined live at
  joined_height  integer
);
CREATE INDEX crawler_rescans_open_idx ON crawler_rescans (rescan_id) WHERE finished_at IS NULL;

-- Outputs a rescan found, hidden from live matching until its addresses join (the rescan
-- itself matches their spends up to the tip; live matching from there on).
ALTER TABLE wallet_utxos ADD COLUMN rescan_id bigint;
CREATE INDEX wallet_utxos_rescan_idx ON wallet_utxos (rescan_id) WHERE rescan_id IS NOT NULL;
