-- Each block's chainwork: the total proof of work of the chain up to it, as bitcoind shows
-- it (getblockheader `chainwork`, 64 lowercase hex digits). It tells a node that is behind
-- us (no more work than our tip) from one that has reorganised (more). Blocks applied
-- before this migration have none (NULL); the crawler then compares heights, as before.
ALTER TABLE crawler_blocks ADD COLUMN chainwork text CHECK (chainwork ~ '^[0-9a-f]{64}$');

-- crawler_apply_block (0104) with the block's chainwork, stored in its row; and its
-- BlockConnected names the version each user stream reached in the block's write
-- ("streams": the last of its TxConfirmed/TxDropped events there), so the read side claims
-- the block for a user only once that user's events are applied too. Otherwise the same.
DROP FUNCTION crawler_apply_block(bigint, text, text, integer, text, bigint, integer, text[], integer[], text[],
  text[], bigint[], text[], integer[], text[], text[], text[], integer[], text[], bigint[], bigint[], bigint[],
  text[], boolean[], text[], text[], text[], integer[], text[], integer[], text, timestamptz, text);

CREATE FUNCTION crawler_apply_block(
  p_lock_key bigint,
  p_expected_tip text,
  p_hash text,
  p_height integer,
  p_prev_hash text,
  p_time bigint,
  p_tx_count integer,
  -- the total work of the chain up to this block, as bitcoind shows it (64 hex digits)
  p_chainwork text,
  -- outputs paying watched scripts
  p_created_txid text[],
  p_created_vout integer[],
  p_created_user text[],
  p_created_address text[],
  p_created_sats bigint[],
  -- wallet UTXOs the block spends, and the transaction spending each
  p_spent_txid text[],
  p_spent_vout integer[],
  p_spent_by text[],
  -- wallet transactions, in block order: one per (user, txid); addresses comma-joined
  -- (base58 and bech32 never hold a comma); the stream of the user's TxConfirmed and the
  -- event's place among this block's events on that stream (1, 2, …)
  p_tx_user text[],
  p_tx_stream text[],
  p_tx_nth integer[],
  p_tx_txid text[],
  p_tx_received bigint[],
  p_tx_sent bigint[],
  p_tx_paid_to_others bigint[],
  p_tx_addresses text[],
  p_tx_coinbase boolean[],
  -- pending transactions (mempool_txs) this block mines: their rows go, no event (the
  -- TxConfirmed supersedes them); and those it conflicts with (a block transaction spends
  -- one of their inputs), or descends from one that it does: their rows go, and each
  -- (user, txid) gets TxDropped {reason: conflict} after the block's TxConfirmed events
  p_mined_txid text[],
  p_dropped_txid text[],
  p_dropped_stream text[],
  p_dropped_nth integer[],
  -- every stream written, sorted as appendToManyStreams sorts them (the order their
  -- version rows are locked in), and how many events each gets
  p_streams text[],
  p_stream_counts integer[],
  -- BlockConnected goes to this stream (first among its events), a TxConfirmed per
  -- wallet transaction to its user's
  p_chain_stream text,
  p_occurred_at timestamptz,
  p_notify_channel text
) RETURNS boolean
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  v_tip text;
  v_expected_spent integer := cardinality(p_spent_txid);
  v_marked integer;
BEGIN
  PERFORM pg_advisory_xact_lock(p_lock_key);
  SELECT hash INTO v_tip FROM crawler_blocks ORDER BY height DESC LIMIT 1;
  IF v_tip IS DISTINCT FROM p_expected_tip THEN
    RETURN false;
  END IF;

  INSERT INTO crawler_blocks (height, hash, prev_hash, time, tx_count, chainwork)
  VALUES (p_height, p_hash, p_prev_hash, p_time, p_tx_count, p_chainwork);

  IF cardinality(p_created_txid) > 0 THEN
    INSERT INTO wallet_utxos (txid, vout, user_id, address, value_sats, block_hash, height)
    SELECT o.txid, o.vout, o.user_id, o.address, o.sats, p_hash, p_height
      FROM unnest(p_created_txid, p_created_vout, p_created_user, p_created_address, p_created_sats)
           AS o (txid, vout, user_id, address, sats);
  END IF;

  IF v_expected_spent > 0 THEN
    UPDATE wallet_utxos u
       SET spent_txid = s.spent_by, spent_block_hash = p_hash, spent_height = p_height
      FROM unnest(p_spent_txid, p_spent_vout, p_spent_by) AS s (txid, vout, spent_by)
     WHERE u.txid = s.txid AND u.vout = s.vout AND u.spent_txid IS NULL;
    GET DIAGNOSTICS v_marked = ROW_COUNT;
    IF v_marked <> v_expected_spent THEN
      RAISE EXCEPTION 'block %: % wallet UTXOs spent but % marked', p_hash, v_expected_spent, v_marked;
    END IF;
  END IF;

  IF cardinality(p_tx_txid) > 0 THEN
    INSERT INTO wallet_transactions
           (user_id, txid, block_hash, height, received_sats, sent_sats, delta_sats, addresses)
    SELECT w.user_id, w.txid, p_hash, p_height, w.received, w.sent, w.received - w.sent,
           string_to_array(w.addresses, ',')
      FROM unnest(p_tx_user, p_tx_txid, p_tx_received, p_tx_sent, p_tx_addresses)
           WITH ORDINALITY AS w (user_id, txid, received, sent, addresses, ord)
     ORDER BY w.ord;
  END IF;

  -- The outbox, as shared/src/outbox/appendToManyStreams does it: version rows upserted in
  -- the callers' common stream order (no deadlock between writers of the same streams),
  -- each stream's events numbered densely after the version it had. Inserted in block
  -- order, BlockConnected first: within a stream, that is version order.
  WITH counts AS (
    SELECT c.stream, c.n, c.ord FROM unnest(p_streams, p_stream_counts) WITH ORDINALITY AS c (stream, n, ord)
  ),
  versions AS (
    INSERT INTO stream_versions AS s (stream, version)
    SELECT stream, n FROM counts ORDER BY ord
    ON CONFLICT (stream) DO UPDATE SET version = s.version + EXCLUDED.version
    RETURNING stream, version
  ),
  first_versions AS (
    SELECT v.stream, v.version - c.n AS base FROM versions v JOIN counts c USING (stream)
  ),
  events AS (
    SELECT p_chain_stream AS stream, 1 AS nth, 'BlockConnected' AS type, 0::bigint AS ord,
           jsonb_build_object('hash', p_hash, 'height', p_height, 'prevHash', p_prev_hash, 'time', p_time)
             || coalesce((SELECT jsonb_build_object('streams', jsonb_object_agg(v.stream, v.version))
                            FROM versions v WHERE v.stream <> p_chain_stream HAVING count(*) > 0), '{}'::jsonb)
             AS payload
    UNION ALL
    SELECT w.stream, w.nth, 'TxConfirmed', w.ord,
           jsonb_build_object(
             'txid', w.txid, 'blockHash', p_hash, 'height', p_height,
             'deltaSats', w.received - w.sent, 'receivedSats', w.received, 'sentSats', w.sent,
             'paidToOthersSats', w.paid_to_others, 'addresses', to_jsonb(string_to_array(w.addresses, ',')))
             || CASE WHEN w.coinbase THEN '{"coinbase": true}'::jsonb ELSE '{}'::jsonb END
      FROM unnest(p_tx_stream, p_tx_nth, p_tx_txid, p_tx_received, p_tx_sent, p_tx_paid_to_others, p_tx_addresses,
                  p_tx_coinbase)
           WITH ORDINALITY AS w (stream, nth, txid, received, sent, paid_to_others, addresses, coinbase, ord)
    UNION ALL
    SELECT d.stream, d.nth, 'TxDropped', cardinality(p_tx_txid) + d.ord,
           jsonb_build_object('txid', d.txid, 'reason', 'conflict')
      FROM unnest(p_dropped_stream, p_dropped_nth, p_dropped_txid) WITH ORDINALITY AS d (stream, nth, txid, ord)
  )
  INSERT INTO outbox (event_id, stream, version, type, payload, occurred_at)
  SELECT gen_random_uuid(), e.stream, f.base + e.nth, e.type, e.payload, p_occurred_at
    FROM events e JOIN first_versions f USING (stream)
   ORDER BY e.ord;

  IF cardinality(p_mined_txid) + cardinality(p_dropped_txid) > 0 THEN
    DELETE FROM mempool_txs WHERE txid = ANY (p_mined_txid) OR txid = ANY (p_dropped_txid);
    DELETE FROM mempool_inputs WHERE txid = ANY (p_mined_txid) OR txid = ANY (p_dropped_txid);
    DELETE FROM mempool_outputs WHERE txid = ANY (p_mined_txid) OR txid = ANY (p_dropped_txid);
  END IF;

  PERFORM pg_notify(p_notify_channel, '');
  RETURN true;
END
$$;
