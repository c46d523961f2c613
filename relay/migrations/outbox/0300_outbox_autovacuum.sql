-- The outbox is a queue: every row is inserted once and deleted by the relay soon
-- after. With the default scale factor (20 % of the table) autovacuum waits far too
-- long on a table that stays small, and the relay's `ORDER BY id` index scan then
-- wades through dead index entries at the head of the queue, getting slower under
-- continuous load. Vacuum after a fixed number of dead rows instead.
ALTER TABLE outbox SET (
  autovacuum_vacuum_scale_factor = 0,
  autovacuum_vacuum_threshold = 5000,
  autovacuum_vacuum_cost_delay = 0,
  autovacuum_analyze_scale_factor = 0,
  autovacuum_analyze_threshold = 5000
);
