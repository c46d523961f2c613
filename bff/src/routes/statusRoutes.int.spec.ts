import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRpcClient } from '#shared/bitcoind/rpcClient.js';
import { readStackEnv } from '#shared/testing/stackEnv.js';
import { createTestDatabases, type TestDatabases } from '#shared/testing/testDatabases.js';
import { blockHash, seedBlocks } from '../testing/seedViews.js';
import { createTestApp, type TestApp } from '../testing/testApp.js';

describe('GET /v1/status', () => {
  let dbs: TestDatabases;
  let t: TestApp;
  let base: string;
  let crawlerUrl: string;
  let crawlerServer: Server;
  let crawlerTip: unknown = { state: 'in-sync', ourTip: { height: 3, hash: blockHash(3) } };

  beforeAll(async () => {
    dbs = await createTestDatabases('bff-status');
    crawlerServer = createServer((_req, res) =>
      res.setHeader('content-type', 'application/json').end(JSON.stringify(crawlerTip)),
    );
    await new Promise<void>((r) => crawlerServer.listen(0, '127.0.0.1', r));
    crawlerUrl = `http://127.0.0.1:${(crawlerServer.address() as AddressInfo).port}/status`;
    t = await createTestApp('bff-status', { dbs, crawlerStatusUrl: crawlerUrl });
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
    await seedBlocks(dbs.views, 0, 3);
    // An event the relay has not published yet, for the outbox backlog to count.
    await t.app.inject({ method: 'POST', url: '/v1/users', headers: t.admin, payload: { userId: 'bob' } });
  });
  afterAll(async () => {
    await t.close();
    await new Promise((r) => crawlerServer.close(r));
    await dbs.drop();
  });

  it('GET /v1/status reports every component, with the node as the oracle', async () => {
    const rpc = createRpcClient({ url: readStackEnv().BITCOIND_RPC_URL });
    const info = await rpc.getBlockchainInfo();
    await dbs.views.query(
      `INSERT INTO projection.parked_events (stream, version, event) VALUES ('user:x', 9, '{}'), ('user:x', 10, '{}')`,
    );
    await dbs.views.query(
      `INSERT INTO projection.dead_letters (stream, version, topic, kafka_partition, kafka_offset, reason, raw)
       VALUES (NULL, NULL, 't', 0, 1, 'bad', '{}'), ('user:y', 1, 't', 0, 2, 'unknown event type', '{}')`,
    );
    crawlerTip = {
      state: 'in-sync',
      ourTip: { height: 3, hash: blockHash(3) },
      rescans: [
        { rescanId: 4, fromHeight: 0, nextHeight: 2, addresses: 3, blocksPerSec: 812.345, blocksScanned: 2 },
        { rescanId: 5, fromHeight: 1, nextHeight: 1, addresses: 1, blocksPerSec: null, blocksScanned: 0 },
      ],
    };
    const res = await fetch(`${base}/v1/status`, { headers: t.admin });
    expect(res.status).toBe(200);
    const status = (await res.json()) as Record<string, Record<string, unknown>>;
    expect(status.node).toEqual({ available: true, tip: { height: info.blocks, hash: info.bestblockhash } });
    expect(status.crawler).toEqual({
      available: true,
      tip: { height: 3, hash: blockHash(3) },
      lagBlocks: info.blocks - 3,
      rescans: [
        { rescanId: 4, fromHeight: 0, reachedHeight: 1, addresses: 3, blocksPerSec: 812.3, running: true },
        { rescanId: 5, fromHeight: 1, reachedHeight: 0, addresses: 1, blocksPerSec: null, running: false },
      ],
    });
    const { rows } = await dbs.online.query<{ n: number }>('SELECT count(*)::int AS n FROM outbox');
    expect(status.outbox).toMatchObject({ available: true, backlog: rows[0]!.n });
    expect(status.outbox!.lagMs).toEqual(expect.any(Number));
    // The same figures as the projector's own /status: gaps and stopped streams by name.
    expect(status.projector).toEqual({
      available: true,
      tip: { height: 3, hash: blockHash(3) },
      lagBlocks: info.blocks - 3,
      streams: expect.any(Number) as number,
      parkedEvents: 2,
      deadLetters: 2,
      openGaps: [
        {
          stream: 'user:x',
          appliedVersion: 0,
          firstMissingVersion: 1,
          firstParkedVersion: 9,
          parkedCount: 2,
          waitingSince: expect.any(String) as string,
        },
      ],
      stoppedStreams: [
        { stream: 'user:y', appliedVersion: 0, deadLetterVersion: 1, reason: 'unknown event type' },
      ],
    });
  });

  it('a component that fails or hangs shows as unavailable; the others still answer', async () => {
    crawlerTip = { nonsense: true };
    const hanging = await createTestApp('bff-http-hang', {
      dbs,
      crawlerStatusUrl: crawlerUrl,
      statusSources: {
        nodeTip: () => new Promise(() => undefined),
        outboxBacklog: () => Promise.reject(new Error('relay table missing')),
      },
    });
    try {
      const res = await hanging.app.inject({ url: '/v1/status', headers: hanging.admin });
      expect(res.statusCode).toBe(200);
      const status = res.json<Record<string, Record<string, unknown>>>();
      expect(status.node).toEqual({ available: false, reason: 'the node did not answer within 1000 ms' });
      expect(status.crawler).toEqual({
        available: false,
        reason: "the crawler's status endpoint answered without ourTip {height, hash}",
      });
      expect(status.outbox).toEqual({ available: false, reason: 'relay table missing' });
      expect(status.projector).toMatchObject({ available: true, lagBlocks: null });
    } finally {
      await hanging.close();
    }
  });
});
