import { createRequire } from 'node:module';
import { afterEach, describe, expect, it, vi } from 'vitest';

/**
 * kafkajs 2.2.4 checks a connection's queue of requests held back (client-side throttling,
 * the in-flight limit) on a timer — and, as published, re-armed that timer after every
 * check even with nothing held back, at a negative delay (so 1 ms): every connection of
 * every client woke its process about a thousand times a second, idle or not (3–4 % of a
 * core per idle relay or projector here). `patches/kafkajs+2.2.4.patch` arms it only for
 * requests actually held back. These checks hold the queue to both halves of that.
 */
const require = createRequire(import.meta.url);

interface Entry {
  correlationId: number;
  apiKey: number;
  apiName: string;
  apiVersion: number;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}
interface RequestQueue {
  push(request: { entry: Entry; expectResponse: boolean; sendRequest: () => void }): void;
  fulfillRequest(response: { correlationId: number; payload: Buffer | null; size: number }): void;
  maybeThrottle(clientSideThrottleTime: number): void;
  destroy(): void;
}
type RequestQueueClass = new (options: {
  maxInFlightRequests: number | null;
  requestTimeout: number;
  enforceRequestTimeout: boolean;
  clientId: string;
  broker: string;
  logger: Record<'debug' | 'info' | 'warn' | 'error', () => void>;
}) => RequestQueue;

const RequestQueue = require('kafkajs/src/network/requestQueue/index.js') as RequestQueueClass;
const quiet = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };

function createQueue(maxInFlightRequests: number | null = null): RequestQueue {
  return new RequestQueue({
    maxInFlightRequests,
    requestTimeout: 30_000,
    enforceRequestTimeout: false,
    clientId: 'spec',
    broker: '127.0.0.1:9092',
    logger: quiet,
  });
}

/** A request to push, with the time it went out (undefined while held back). */
function request(correlationId: number) {
  const sent: { at?: number } = {};
  const entry: Entry = {
    correlationId,
    apiKey: 3,
    apiName: 'Metadata',
    apiVersion: 0,
    resolve: () => {},
    reject: () => {},
  };
  return { sent, pushed: { entry, expectResponse: true, sendRequest: () => (sent.at = Date.now()) } };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('kafkajs request queue (patched)', () => {
  const queues: RequestQueue[] = [];
  afterEach(() => {
    vi.restoreAllMocks();
    for (const queue of queues.splice(0)) queue.destroy();
  });

  it('arms no timer once its requests are answered: an idle connection stays asleep', async () => {
    const queue = createQueue();
    queues.push(queue);
    for (let id = 1; id <= 3; id++) {
      const { pushed } = request(id);
      queue.push(pushed);
      queue.fulfillRequest({ correlationId: id, payload: null, size: 0 });
    }
    const timers = vi.spyOn(globalThis, 'setTimeout');
    await sleep(50);
    // Only the sleep's own timer: as published, a check re-armed about every millisecond (41 here once).
    expect(timers.mock.calls.filter(([, delay]) => delay !== 50)).toEqual([]);
  });

  it('still sends a request held back by client-side throttling once the throttle ends', async () => {
    const queue = createQueue();
    queues.push(queue);
    queue.maybeThrottle(40);
    const throttledAt = Date.now();
    const { sent, pushed } = request(1);
    queue.push(pushed);
    expect(sent.at).toBeUndefined();
    await sleep(120);
    expect(sent.at).toBeDefined();
    expect(sent.at! - throttledAt).toBeGreaterThanOrEqual(39);
  });

  it('still sends a request held back by the in-flight limit once the one before is answered', () => {
    const queue = createQueue(1);
    queues.push(queue);
    const first = request(1);
    const second = request(2);
    queue.push(first.pushed);
    queue.push(second.pushed);
    expect(first.sent.at).toBeDefined();
    expect(second.sent.at).toBeUndefined();
    queue.fulfillRequest({ correlationId: 1, payload: null, size: 0 });
    expect(second.sent.at).toBeDefined();
  });
});
