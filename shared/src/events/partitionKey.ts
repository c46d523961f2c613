import { userStream } from './streams.js';

/**
 * The Kafka key an event is published with, which picks its partition: its stream's, except
 * for an order's events, which go with their user's stream. An order's rows are the user's
 * rows (the activity list joins the order and its settlement's chain events), so keeping
 * them in the user's partition lets one consumer apply both in order, and no two
 * partitions' batches write the same user's rows at once. A stream's events still share
 * one key (an order belongs to one user), so their order survives.
 */
export function partitionKey(stream: string, payload: unknown): string {
  if (stream.startsWith('order:')) {
    const userId = (payload as { userId?: unknown }).userId;
    if (typeof userId === 'string') return userStream(userId);
  }
  return stream;
}
