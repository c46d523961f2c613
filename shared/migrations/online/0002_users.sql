-- Customers and the addresses we watch for them. Written by the BFF's commands,
-- read by the crawler (which is notified of new addresses on a channel).
CREATE TABLE users (
  user_id    text PRIMARY KEY,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE watched_addresses (
  address       text PRIMARY KEY,
  user_id       text NOT NULL REFERENCES users (user_id),
  script_pubkey bytea NOT NULL UNIQUE,
  address_type  text NOT NULL,
  added_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX watched_addresses_user_idx ON watched_addresses (user_id);

CREATE FUNCTION notify_watched_address() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('forkline_watched_address', NEW.address);
  RETURN NEW;
END $$;

CREATE TRIGGER watched_addresses_notify AFTER INSERT ON watched_addresses
  FOR EACH ROW EXECUTE FUNCTION notify_watched_address();
