import { KafkaJSNonRetriableError } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '#shared/testing/waitFor.js';
import { confirmed, userEvents } from './testing/events.js';
import { createProjectorTestbed, type ProjectorTestbed } from './testing/projectorHarness.js';

/**
 * kafkajs gives up on an error it deems not retriable: the consumer stops and does not
 * restart. The projector then reports it (failed()), so its process exits and is started
 * again, instead of staying up and consuming nothing; the next one applies every event once.
 */
describe('projector: a Kafka consumer that stopped for good', () => {
  let bed: ProjectorTestbed;
  beforeAll(async () => {
    bed = await createProjectorTestbed('consumer-crash');
  });
  afterAll(() => bed.close());

  it('is reported by failed(), and a new projector applies every event exactly once', async () => {
    const scenario = await bed.scenario('consumer-crash', 1);
    const stream = userEvents('alice');
    await scenario.send(
      [1, 2, 3].map((i) => stream.next(confirmed(`tx-${i}`, `b${i}`, i, { deltaSats: i * 1_000 }))),
    );

    const { projector } = await scenario.start(
      {},
      {
        afterFetch: () => {
          throw new KafkaJSNonRetriableError('broker says no (test)');
        },
      },
    );
    const timeout = new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error('failed() never settled')), 20_000).unref(),
    );
    const err = await Promise.race([projector.failed(), timeout]);
    expect(err.message).toContain('broker says no (test)');
    expect(await scenario.balance('alice')).toBeUndefined();
    await projector.close();

    await scenario.start();
    await scenario.waitForVersion(stream.stream, 3);
    const balance = await waitFor(
      () => scenario.balance('alice'),
      (b) => b?.version === 3,
      { what: 'alice at version 3' },
    );
    expect(balance).toMatchObject({ confirmed_sats: 6_000, tx_count: 3 });
  });
});
