-- The crawler's view of the main chain, from its start height up: one row per block
-- applied, deleted again when the block is reverted. Kept whole (not pruned), so any
-- reorg whose fork point lies at or above the start height can be undone exactly.
CREATE TABLE crawler_blocks (
  height     integer PRIMARY KEY CHECK (height >= 0),
  hash       text NOT NULL UNIQUE,
  prev_hash  text NOT NULL,
  time       bigint NOT NULL,
  tx_count   integer NOT NULL,
  applied_at timestamptz NOT NULL DEFAULT now()
);

-- Outputs paying a watched script. Spending marks the row instead of deleting it, so
-- reverting the spending block restores it; reverting the creating block deletes it.
CREATE TABLE wallet_utxos (
  txid             text NOT NULL,
  vout             integer NOT NULL CHECK (vout >= 0),
  user_id          text NOT NULL,
  address          text NOT NULL,
  value_sats       bigint NOT NULL CHECK (value_sats >= 0),
  block_hash       text NOT NULL REFERENCES crawler_blocks (hash),
  height           integer NOT NULL,
  spent_txid       text,
  spent_block_hash text,
  spent_height     integer,
  PRIMARY KEY (txid, vout),
  CHECK ((spent_txid IS NULL) = (spent_block_hash IS NULL))
);
CREATE INDEX wallet_utxos_block_idx ON wallet_utxos (block_hash);
CREATE INDEX wallet_utxos_spent_block_idx ON wallet_utxos (spent_block_hash) WHERE spent_block_hash IS NOT NULL;
CREATE INDEX wallet_utxos_unspent_user_idx ON wallet_utxos (user_id) WHERE spent_txid IS NULL;

-- One row per (user, txid, block): what a confirmed transaction did to a user. The
-- unique key makes a block applied twice fail instead of counting twice.
CREATE TABLE wallet_transactions (
  id            bigserial PRIMARY KEY,
  user_id       text NOT NULL,
  txid          text NOT NULL,
  block_hash    text NOT NULL REFERENCES crawler_blocks (hash),
  height        integer NOT NULL,
  received_sats bigint NOT NULL CHECK (received_sats >= 0),
  sent_sats     bigint NOT NULL CHECK (sent_sats >= 0),
  delta_sats    bigint NOT NULL,
  addresses     text[] NOT NULL,
  UNIQUE (user_id, txid, block_hash)
);
CREATE INDEX wallet_transactions_block_idx ON wallet_transactions (block_hash);
CREATE INDEX wallet_transactions_user_idx ON wallet_transactions (user_id, id);
