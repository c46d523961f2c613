-- Trading activities (issue 13): one activities table joined from two sources. An order
-- (stream order:<orderId>) is one row from its placement on — a bid or ask while open,
-- cancelled or rejected, a buy or sell once filled — keyed `order:<orderId>`; its
-- settlement transaction's chain events (on the user's stream) set that row's settlement
-- status, block and delta instead of making a row of their own. Plain chain rows are keyed
-- by their txid as before; `send` is now `withdrawal`. settlement_links says which order a
-- user's transaction settles, so chain events find the order row.
--
-- The change is one function applied to the live schema and, after the previous shape, to
-- every fresh read model (rebuilds): both end in exactly the same shape.
ALTER FUNCTION create_projection_tables(text) RENAME TO create_projection_tables_0003;

CREATE FUNCTION alter_projection_tables_0004(target text) RETURNS void LANGUAGE plpgsql AS $fn$
BEGIN
  EXECUTE format($$ALTER TABLE %I.activities
    DROP CONSTRAINT activities_pkey,
    DROP CONSTRAINT activities_type_check,
    DROP CONSTRAINT activities_status_check,
    ADD COLUMN activity_id text,
    ADD COLUMN order_id text,
    ADD COLUMN limit_price_eur_cents bigint,
    ADD COLUMN price_eur_cents bigint,
    ADD COLUMN eur_cents bigint,
    ADD COLUMN reject_reason text,
    ADD COLUMN settlement_delta_sats bigint$$, target);
  EXECUTE format($$UPDATE %I.activities SET activity_id = txid,
                     type = CASE WHEN type = 'send' THEN 'withdrawal' ELSE type END$$, target);
  EXECUTE format($$ALTER TABLE %I.activities
    ALTER COLUMN activity_id SET NOT NULL,
    ALTER COLUMN txid DROP NOT NULL,
    ADD CONSTRAINT activities_pkey PRIMARY KEY (user_id, activity_id),
    ADD CONSTRAINT activities_type_check
      CHECK (type IN ('receive', 'withdrawal', 'self', 'bid', 'ask', 'buy', 'sell')),
    ADD CONSTRAINT activities_status_check
      CHECK (status IN ('pending', 'confirmed', 'reverted', 'replaced', 'dropped',
                        'open', 'cancelled', 'rejected', 'settling')),
    -- A chain row is its transaction; an order row names its order, and its txid once linked.
    ADD CONSTRAINT activities_kind_check
      CHECK (CASE WHEN order_id IS NULL THEN activity_id = txid
                  ELSE activity_id = 'order:' || order_id END)$$, target);

  -- Every step of an activity, now of order rows too: `stream` and `version` name the event
  -- (an order's steps are on its own stream), `activity_id` the row it moved. A settlement's
  -- chain steps name the order row (relabelled when the link arrives after them).
  EXECUTE format($$ALTER TABLE %I.activity_changes
    ADD COLUMN stream text,
    ADD COLUMN activity_id text$$, target);
  EXECUTE format($$UPDATE %I.activity_changes SET stream = 'user:' || user_id, activity_id = txid$$, target);
  EXECUTE format($$ALTER TABLE %I.activity_changes
    ALTER COLUMN stream SET NOT NULL,
    ALTER COLUMN activity_id SET NOT NULL,
    ALTER COLUMN txid DROP NOT NULL,
    DROP CONSTRAINT activity_changes_pkey,
    ADD CONSTRAINT activity_changes_pkey PRIMARY KEY (user_id, stream, version)$$, target);
  -- (A relabelling finds a user's steps by the key's first column: a handful of rows.)

  -- Which order a user's transaction settles (from SettlementBroadcast): a chain event of a
  -- linked transaction moves the order row, never a row of its own.
  EXECUTE format($$CREATE TABLE %I.settlement_links (
    user_id  text NOT NULL,
    txid     text NOT NULL,
    order_id text NOT NULL,
    PRIMARY KEY (user_id, txid)
  )$$, target);
END
$fn$;

CREATE FUNCTION create_projection_tables(target text) RETURNS void LANGUAGE plpgsql AS $fn$
BEGIN
  PERFORM create_projection_tables_0003(target);
  PERFORM alter_projection_tables_0004(target);
END
$fn$;

SELECT alter_projection_tables_0004('projection');
