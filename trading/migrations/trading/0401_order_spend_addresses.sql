-- The user's registered addresses when the order was placed (the BFF passes them, newest
-- first): a sell is funded and paid from the users' wallet's coins at these addresses
-- only. Orders placed before this column have none: an open sell among them is rejected
-- when a price crosses it, a filled one is not signed (its settlement fails, visibly, with
-- the reason) — they were placed without saying which coins are the user's.
ALTER TABLE orders ADD COLUMN spend_addresses text[] NOT NULL DEFAULT '{}';
ALTER TABLE orders ALTER COLUMN spend_addresses DROP DEFAULT;
