/** Stream ids: every event belongs to exactly one stream, the Kafka message key. */
export const CHAIN_STREAM = 'chain';

export const userStream = (userId: string): string => `user:${userId}`;

export function userIdOfStream(stream: string): string | undefined {
  return stream.startsWith('user:') ? stream.slice('user:'.length) : undefined;
}

/** A trading order's stream: OrderPlaced and what follows it. */
export const orderStream = (orderId: string): string => `order:${orderId}`;
