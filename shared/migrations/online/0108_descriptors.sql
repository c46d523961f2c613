-- Wallets registered as output descriptors (BIP-380): an extended public key whose receive
-- (/0/*) and change (/1/*) branches forkline derives and watches, `gap_limit` unused
-- addresses beyond the highest used index on each branch. Written by the BFF (the
-- registration and its first windows) and by the crawler (windows extended as payments
-- arrive); addresses derived from one are watched_addresses rows naming it.
CREATE TABLE descriptors (
  descriptor_id    uuid PRIMARY KEY,
  user_id          text NOT NULL REFERENCES users (user_id),
  -- the receive descriptor, normalised, with its checksum: one wallet, one row
  descriptor       text NOT NULL UNIQUE,
  gap_limit        integer NOT NULL CHECK (gap_limit BETWEEN 1 AND 1000),
  -- every address of it is matched from here (one derived later is rescanned from here)
  from_height      integer NOT NULL CHECK (from_height >= 0),
  rescan_requested boolean NOT NULL,
  -- addresses 0 .. derived - 1 of each branch are watched
  derived_receive  integer NOT NULL CHECK (derived_receive >= 0),
  derived_change   integer NOT NULL CHECK (derived_change >= 0),
  -- the highest index paid on each branch, in a block or the mempool (-1: none)
  used_receive     integer NOT NULL DEFAULT -1,
  used_change      integer NOT NULL DEFAULT -1,
  -- the lowest height of an output that moved a used mark since the window was last
  -- extended: the addresses the extension derives are matched (rescanned) from there
  extend_from_height integer,
  created_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX descriptors_user_idx ON descriptors (user_id);
-- What the crawler asks on every pass: the wallets whose window is short of the gap.
CREATE INDEX descriptors_short_idx ON descriptors (descriptor_id)
  WHERE used_receive + 1 + gap_limit > derived_receive OR used_change + 1 + gap_limit > derived_change;

ALTER TABLE watched_addresses
  ADD COLUMN descriptor_id uuid REFERENCES descriptors (descriptor_id),
  ADD COLUMN branch smallint CHECK (branch IN (0, 1)),
  ADD COLUMN derivation_index integer CHECK (derivation_index >= 0),
  ADD CHECK ((descriptor_id IS NULL) = (branch IS NULL) AND (branch IS NULL) = (derivation_index IS NULL));
CREATE UNIQUE INDEX watched_addresses_derivation_idx ON watched_addresses (descriptor_id, branch, derivation_index)
  WHERE descriptor_id IS NOT NULL;

-- An output paying a derived address moves its wallet's "used" mark: per statement, so a
-- block's or a rescan chunk's outputs cost one join, and nothing for plain addresses.
-- A mark that moves wakes the crawler (the watched-address channel), which extends the window.
CREATE FUNCTION mark_descriptor_use() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE descriptors d
     SET used_receive = greatest(d.used_receive, u.receive),
         used_change = greatest(d.used_change, u.change),
         extend_from_height = least(coalesce(d.extend_from_height, u.height), u.height)
    FROM (SELECT w.descriptor_id,
                 coalesce(max(w.derivation_index) FILTER (WHERE w.branch = 0), -1) AS receive,
                 coalesce(max(w.derivation_index) FILTER (WHERE w.branch = 1), -1) AS change,
                 -- a wallet output's block; a pending one will be in the next block at the earliest
                 min(CASE WHEN TG_TABLE_NAME = 'wallet_utxos' THEN (to_jsonb(n) ->> 'height')::int END) AS mined_at
            FROM new_rows n JOIN watched_addresses w ON w.address = n.address
           WHERE w.descriptor_id IS NOT NULL
           GROUP BY w.descriptor_id) u0
   CROSS JOIN LATERAL (SELECT u0.*, coalesce(u0.mined_at, forkline_next_height()) AS height) u
   WHERE d.descriptor_id = u.descriptor_id
     AND (u.receive > d.used_receive OR u.change > d.used_change);
  IF FOUND THEN
    PERFORM pg_notify('forkline_watched_address', '');
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER wallet_utxos_descriptor_use AFTER INSERT ON wallet_utxos
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION mark_descriptor_use();
CREATE TRIGGER mempool_outputs_descriptor_use AFTER INSERT ON mempool_outputs
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION mark_descriptor_use();

-- The height a new registration is matched from: our tip + 1, read under the chain lock
-- taken shared (as the watched_addresses insert trigger of 0107 does), so no block is
-- applied or reverted before the registering transaction commits.
CREATE FUNCTION forkline_next_height() RETURNS integer LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_advisory_xact_lock_shared(1668440439); -- 0x63726177, "crawl"
  RETURN (SELECT coalesce(max(height), -1) + 1 FROM crawler_blocks);
END $$;
