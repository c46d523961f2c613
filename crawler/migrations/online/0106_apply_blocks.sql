-- Several blocks in one statement, so in one SQL transaction: while the crawler catches up,
-- a transaction per block cost more than the block's own rows (statement, commit, round
-- trip). Each block is applied by crawler_apply_block (0105), in order, each extending the
-- one before: the rows, events and stream versions are those of applying the blocks one by
-- one, and the stored tip moves by the whole group or not at all.
--
-- The per-block arrays of crawler_apply_block travel flattened, one array per argument for
-- the whole group; p_<rows>_from[i] is where block i's rows start in it (1-based), and the
-- extra last entry is one past the group's last row, so block i's rows are
-- [p_<rows>_from[i], p_<rows>_from[i + 1] - 1].
CREATE FUNCTION crawler_apply_blocks(
  p_lock_key bigint,
  p_expected_tip text,
  p_hash text[],
  p_height integer[],
  p_prev_hash text[],
  p_time bigint[],
  p_tx_count integer[],
  p_chainwork text[],
  p_occurred_at timestamptz[],
  p_created_from integer[],
  p_created_txid text[],
  p_created_vout integer[],
  p_created_user text[],
  p_created_address text[],
  p_created_sats bigint[],
  p_spent_from integer[],
  p_spent_txid text[],
  p_spent_vout integer[],
  p_spent_by text[],
  p_tx_from integer[],
  p_tx_user text[],
  p_tx_stream text[],
  p_tx_nth integer[],
  p_tx_txid text[],
  p_tx_received bigint[],
  p_tx_sent bigint[],
  p_tx_paid_to_others bigint[],
  p_tx_addresses text[],
  p_tx_coinbase boolean[],
  p_mined_from integer[],
  p_mined_txid text[],
  p_dropped_from integer[],
  p_dropped_txid text[],
  p_dropped_stream text[],
  p_dropped_nth integer[],
  p_streams_from integer[],
  p_streams text[],
  p_stream_counts integer[],
  p_chain_stream text,
  p_notify_channel text
) RETURNS boolean
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  c integer; s integer; t integer; m integer; d integer; v integer;
  c2 integer; s2 integer; t2 integer; m2 integer; d2 integer; v2 integer;
BEGIN
  FOR i IN 1 .. cardinality(p_hash) LOOP
    c := p_created_from[i]; c2 := p_created_from[i + 1] - 1;
    s := p_spent_from[i];   s2 := p_spent_from[i + 1] - 1;
    t := p_tx_from[i];      t2 := p_tx_from[i + 1] - 1;
    m := p_mined_from[i];   m2 := p_mined_from[i + 1] - 1;
    d := p_dropped_from[i]; d2 := p_dropped_from[i + 1] - 1;
    v := p_streams_from[i]; v2 := p_streams_from[i + 1] - 1;
    IF NOT crawler_apply_block(
      p_lock_key => p_lock_key,
      p_expected_tip => CASE WHEN i = 1 THEN p_expected_tip ELSE p_hash[i - 1] END,
      p_hash => p_hash[i],
      p_height => p_height[i],
      p_prev_hash => p_prev_hash[i],
      p_time => p_time[i],
      p_tx_count => p_tx_count[i],
      p_chainwork => p_chainwork[i],
      p_created_txid => coalesce(p_created_txid[c:c2], '{}'),
      p_created_vout => coalesce(p_created_vout[c:c2], '{}'),
      p_created_user => coalesce(p_created_user[c:c2], '{}'),
      p_created_address => coalesce(p_created_address[c:c2], '{}'),
      p_created_sats => coalesce(p_created_sats[c:c2], '{}'),
      p_spent_txid => coalesce(p_spent_txid[s:s2], '{}'),
      p_spent_vout => coalesce(p_spent_vout[s:s2], '{}'),
      p_spent_by => coalesce(p_spent_by[s:s2], '{}'),
      p_tx_user => coalesce(p_tx_user[t:t2], '{}'),
      p_tx_stream => coalesce(p_tx_stream[t:t2], '{}'),
      p_tx_nth => coalesce(p_tx_nth[t:t2], '{}'),
      p_tx_txid => coalesce(p_tx_txid[t:t2], '{}'),
      p_tx_received => coalesce(p_tx_received[t:t2], '{}'),
      p_tx_sent => coalesce(p_tx_sent[t:t2], '{}'),
      p_tx_paid_to_others => coalesce(p_tx_paid_to_others[t:t2], '{}'),
      p_tx_addresses => coalesce(p_tx_addresses[t:t2], '{}'),
      p_tx_coinbase => coalesce(p_tx_coinbase[t:t2], '{}'),
      p_mined_txid => coalesce(p_mined_txid[m:m2], '{}'),
      p_dropped_txid => coalesce(p_dropped_txid[d:d2], '{}'),
      p_dropped_stream => coalesce(p_dropped_stream[d:d2], '{}'),
      p_dropped_nth => coalesce(p_dropped_nth[d:d2], '{}'),
      p_streams => coalesce(p_streams[v:v2], '{}'),
      p_stream_counts => coalesce(p_stream_counts[v:v2], '{}'),
      p_chain_stream => p_chain_stream,
      p_occurred_at => p_occurred_at[i],
      p_notify_channel => p_notify_channel
    ) THEN
      -- Only the first block can find another tip: each later one extends the block just
      -- written. Anything else is a group that does not chain; nothing of it is kept.
      IF i = 1 THEN
        RETURN false;
      END IF;
      RAISE EXCEPTION 'block % does not extend block % of its group', p_hash[i], p_hash[i - 1];
    END IF;
  END LOOP;
  RETURN true;
END
$$;
