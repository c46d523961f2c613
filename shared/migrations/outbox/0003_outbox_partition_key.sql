-- The Kafka key of an event when it is not its stream (see partitionKey): an order's
-- events are published with their user's stream. NULL: the stream itself.
ALTER TABLE outbox ADD COLUMN partition_key text;
