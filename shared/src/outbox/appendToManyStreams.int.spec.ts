import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withTransaction } from '../db/withTransaction.js';
import type { ForklineEvent } from '../events/types.js';
import { createTestDatabases, type TestDatabases } from '../testing/testDatabases.js';
import { appendToManyStreams } from './appendToManyStreams.js';
import { appendToStream } from './appendToStream.js';

const registered = (userId: string): ForklineEvent => ({ type: 'UserRegistered', payload: { userId } });

describe('appendToManyStreams', () => {
  let dbs: TestDatabases;
  beforeAll(async () => {
    dbs = await createTestDatabases('outbox-many');
  });
  afterAll(() => dbs.drop());

  const outbox = async () =>
    (
      await dbs.online.query<{ stream: string; version: number; payload: { userId: string } }>(
        'SELECT stream, version, payload FROM outbox ORDER BY id',
      )
    ).rows.map((r) => [r.stream, r.version, r.payload.userId]);

  it('appends to several streams, continuing each stream’s versions, in stream order', async () => {
    await withTransaction(dbs.online, (tx) => appendToStream(tx, 'm:b', [registered('b0')]));
    const recorded = await withTransaction(dbs.online, (tx) =>
      appendToManyStreams(
        tx,
        new Map([
          ['m:c', [registered('c1')]],
          ['m:b', [registered('b1'), registered('b2')]],
          ['m:empty', []],
          ['m:a', [registered('a1')]],
        ]),
      ),
    );
    expect(recorded.map((e) => [e.stream, e.version])).toEqual([
      ['m:a', 1],
      ['m:b', 2],
      ['m:b', 3],
      ['m:c', 1],
    ]);
    expect(await outbox()).toEqual([
      ['m:b', 1, 'b0'],
      ['m:a', 1, 'a1'],
      ['m:b', 2, 'b1'],
      ['m:b', 3, 'b2'],
      ['m:c', 1, 'c1'],
    ]);
    expect(await withTransaction(dbs.online, (tx) => appendToManyStreams(tx, new Map()))).toEqual([]);
  });

  it('keeps versions dense under concurrent writers of overlapping streams', async () => {
    const writers = Array.from({ length: 12 }, (_, w) =>
      withTransaction(dbs.online, (tx) =>
        appendToManyStreams(
          tx,
          new Map([
            [`c:${w % 3}`, [registered(`w${w}`)]],
            ['c:all', [registered(`w${w}`), registered(`w${w}`)]],
          ]),
        ),
      ),
    );
    await Promise.all(writers);
    const { rows } = await dbs.online.query<{ stream: string; versions: number[] }>(
      `SELECT stream, array_agg(version ORDER BY version) AS versions FROM outbox
        WHERE stream LIKE 'c:%' GROUP BY stream ORDER BY stream`,
    );
    const dense = (n: number) => Array.from({ length: n }, (_, i) => i + 1);
    expect(rows.map((r) => [r.stream, r.versions.map(Number)])).toEqual([
      ['c:0', dense(4)],
      ['c:1', dense(4)],
      ['c:2', dense(4)],
      ['c:all', dense(24)],
    ]);
  });

  it("records an order's events with their user's stream as partition key, others with none", async () => {
    const cancelled = (orderId: string, userId: string): ForklineEvent => ({
      type: 'OrderCancelled',
      payload: { orderId, userId },
    });
    await withTransaction(dbs.online, async (tx) => {
      await appendToStream(tx, 'order:k1', [cancelled('k1', 'kim')]);
      await appendToManyStreams(
        tx,
        new Map([
          ['order:k2', [cancelled('k2', 'kai')]],
          ['k:x', [registered('x')]],
        ]),
      );
    });
    const { rows } = await dbs.online.query<{ stream: string; partition_key: string | null }>(
      `SELECT stream, partition_key FROM outbox WHERE stream IN ('order:k1', 'order:k2', 'k:x') ORDER BY stream`,
    );
    expect(rows).toEqual([
      { stream: 'k:x', partition_key: null },
      { stream: 'order:k1', partition_key: 'user:kim' },
      { stream: 'order:k2', partition_key: 'user:kai' },
    ]);
  });
});
