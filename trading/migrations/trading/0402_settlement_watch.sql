-- A broadcast settlement is watched until its transaction is buried (the configured
-- number of confirmations): one the node lost from its mempool (a reorg, eviction, a
-- restart without the mempool) is sent again with the same recorded bytes. buried_at:
-- done, no more checks. conflict: an input was spent by another confirmed transaction,
-- so it can never confirm: no more re-sending, and no new transaction is built for it
-- (that could pay twice if the conflict were reorged away); the operator decides.
ALTER TABLE settlements ADD COLUMN buried_at timestamptz;
ALTER TABLE settlements ADD COLUMN conflict text;
ALTER TABLE settlements ADD CONSTRAINT settlements_watch_after_broadcast
  CHECK ((buried_at IS NULL AND conflict IS NULL) OR state = 'broadcast');
CREATE INDEX settlements_watched ON settlements (created_at)
  WHERE state = 'broadcast' AND buried_at IS NULL AND conflict IS NULL;
