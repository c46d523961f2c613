-- Applying a block in one statement: the crawler's ~10 sequential round trips per block
-- (BEGIN, lock, tip check, block row, UTXOs, wallet transactions, stream versions, outbox,
-- COMMIT) left it idle half of the time during catch-up. Called alone, the function runs
-- in the statement's implicit transaction: a block is still applied wholly or not at all.
--
-- plpgsql rather than one statement of data-modifying CTEs: each statement of a volatile
-- function takes a fresh snapshot, so the tip is read *after* the advisory lock is granted.
-- A CTE shares one snapshot taken before the lock wait, and a second crawler waiting on
-- the lock would then check its expected tip against a chain that had already moved.
--
-- Returns false, having written nothing, when the stored tip is not `p_expected_tip` (NULL:
-- the database holds no block yet). Raises when a spent wallet UTXO is missing or already
-- spent, so a stale caller cannot half-apply a block.
CREATE FUNCTION crawler_apply_block(
  p_lock_key bigint,
  p_expected_tip text,
  p_hash text,
  p_height integer,
  p_prev_hash text,
  p_time bigint,
  p_tx_count integer,
  -- [{txid, vout, userId, address, valueSats}]: outputs paying watched scripts
  p_created jsonb,
  -- [{txid, vout, spentTxid}]: wallet UTXOs spent by the block
  p_spent jsonb,
  -- [{userId, txid, receivedSats, sentSats, addresses}], in block order
  p_wallet_txs jsonb,
  -- [{id, stream, type, payload}], sorted by stream, in order within a stream
  p_events jsonb,
  p_occurred_at timestamptz,
  p_notify_channel text
) RETURNS boolean
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  v_tip text;
  v_expected_spent integer := jsonb_array_length(p_spent);
  v_marked integer;
BEGIN
  PERFORM pg_advisory_xact_lock(p_lock_key);
  SELECT hash INTO v_tip FROM crawler_blocks ORDER BY height DESC LIMIT 1;
  IF v_tip IS DISTINCT FROM p_expected_tip THEN
    RETURN false;
  END IF;

  INSERT INTO crawler_blocks (height, hash, prev_hash, time, tx_count)
  VALUES (p_height, p_hash, p_prev_hash, p_time, p_tx_count);

  INSERT INTO wallet_utxos (txid, vout, user_id, address, value_sats, block_hash, height)
  SELECT o.txid, o.vout, o."userId", o.address, o."valueSats", p_hash, p_height
    FROM jsonb_to_recordset(p_created) AS o (txid text, vout integer, "userId" text, address text, "valueSats" bigint);

  IF v_expected_spent > 0 THEN
    UPDATE wallet_utxos u
       SET spent_txid = s."spentTxid", spent_block_hash = p_hash, spent_height = p_height
      FROM jsonb_to_recordset(p_spent) AS s (txid text, vout integer, "spentTxid" text)
     WHERE u.txid = s.txid AND u.vout = s.vout AND u.spent_txid IS NULL;
    GET DIAGNOSTICS v_marked = ROW_COUNT;
    IF v_marked <> v_expected_spent THEN
      RAISE EXCEPTION 'block %: % wallet UTXOs spent but % marked', p_hash, v_expected_spent, v_marked;
    END IF;
  END IF;

  INSERT INTO wallet_transactions
         (user_id, txid, block_hash, height, received_sats, sent_sats, delta_sats, addresses)
  SELECT w."userId", w.txid, p_hash, p_height, w."receivedSats", w."sentSats",
         w."receivedSats" - w."sentSats", w.addresses
    FROM ROWS FROM (jsonb_to_recordset(p_wallet_txs)
           AS ("userId" text, txid text, "receivedSats" bigint, "sentSats" bigint, addresses text[]))
         WITH ORDINALITY AS w ("userId", txid, "receivedSats", "sentSats", addresses, ord)
   ORDER BY w.ord;

  -- The outbox, as shared/src/outbox/appendToManyStreams does it: version rows upserted in
  -- sorted stream order (no deadlock between writers of the same streams), each stream's
  -- events numbered densely after the version it had.
  WITH events AS (
    SELECT e.id, e.stream, e.type, e.payload, e.ord,
           row_number() OVER (PARTITION BY e.stream ORDER BY e.ord) AS nth,
           count(*) OVER (PARTITION BY e.stream) AS n
      FROM ROWS FROM (jsonb_to_recordset(p_events) AS (id uuid, stream text, type text, payload jsonb))
           WITH ORDINALITY AS e (id, stream, type, payload, ord)
  ),
  versions AS (
    INSERT INTO stream_versions AS s (stream, version)
    SELECT DISTINCT ON (stream COLLATE "C") stream, n FROM events ORDER BY stream COLLATE "C"
    ON CONFLICT (stream) DO UPDATE SET version = s.version + EXCLUDED.version
    RETURNING stream, version
  )
  INSERT INTO outbox (event_id, stream, version, type, payload, occurred_at)
  SELECT e.id, e.stream, v.version - e.n + e.nth, e.type, e.payload, p_occurred_at
    FROM events e JOIN versions v USING (stream)
   ORDER BY e.ord;

  PERFORM pg_notify(p_notify_channel, '');
  RETURN true;
END
$$;
