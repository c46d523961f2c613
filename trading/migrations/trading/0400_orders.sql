-- The house price: one row, present from the start (price NULL until an admin sets it),
-- so placements can lock it FOR SHARE and a price change, which updates it, waits for
-- them (and they for it): an order is never placed between a price and its fills.
CREATE TABLE house_price (
  id              boolean PRIMARY KEY DEFAULT true CHECK (id),
  price_eur_cents bigint CHECK (price_eur_cents > 0),
  set_at          timestamptz
);
INSERT INTO house_price (id) VALUES (true);

CREATE TABLE orders (
  order_id              uuid PRIMARY KEY,
  user_id               text NOT NULL,
  side                  text NOT NULL CHECK (side IN ('buy', 'sell')),
  amount_sats           bigint NOT NULL CHECK (amount_sats > 0),
  -- NULL: a market order.
  limit_price_eur_cents bigint CHECK (limit_price_eur_cents > 0),
  -- Where a buy is paid; a sell's change goes there when it is one of the user's addresses.
  receive_address       text NOT NULL,
  status                text NOT NULL CHECK (status IN ('open', 'filled', 'cancelled', 'rejected')),
  price_eur_cents       bigint CHECK (price_eur_cents > 0),
  eur_cents             bigint CHECK (eur_cents >= 0),
  reject_reason         text,
  placed_at             timestamptz NOT NULL DEFAULT now(),
  updated_at            timestamptz NOT NULL DEFAULT now(),
  CHECK ((status = 'filled') = (price_eur_cents IS NOT NULL AND eur_cents IS NOT NULL)),
  CHECK ((status = 'rejected') = (reject_reason IS NOT NULL))
);
-- A price change looks for the open limit orders it crosses.
CREATE INDEX orders_open_limits ON orders (side, limit_price_eur_cents) WHERE status = 'open';

-- A placed order's answer per (user, Idempotency-Key): a retried request gets it again,
-- the same key with another body (another fingerprint) is refused.
CREATE TABLE idempotency_keys (
  user_id     text NOT NULL,
  key         text NOT NULL,
  fingerprint text NOT NULL,
  status_code integer NOT NULL,
  answer      jsonb NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (user_id, key)
);

-- One per filled order, written in the fill's transaction. decided → signed (txid and
-- raw transaction recorded before anything is sent) → broadcast. A signed row is only
-- ever re-sent with the same bytes, so a crash never pays twice.
CREATE TABLE settlements (
  order_id        uuid PRIMARY KEY REFERENCES orders (order_id),
  state           text NOT NULL CHECK (state IN ('decided', 'signed', 'broadcast')),
  txid            text,
  raw_tx          text,
  attempts        integer NOT NULL DEFAULT 0,
  last_error      text,
  next_attempt_at timestamptz NOT NULL DEFAULT now(),
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  CHECK ((state = 'decided') = (txid IS NULL AND raw_tx IS NULL))
);
CREATE INDEX settlements_pending ON settlements (next_attempt_at) WHERE state <> 'broadcast';
