import { expect } from 'vitest';
import { createKafka } from '#shared/kafka/createKafka.js';
import { createLogger } from '#shared/logging/logger.js';
import type { RegtestNode } from '#shared/testing/regtestNode.js';
import type { ForklineInstance } from './forklineInstance.js';
import { expectMatchesNode } from './oracleCheck.js';
import { checkStreamIntegrity, type StreamIntegrity } from './streamIntegrity.js';
import type { WalletUsers } from './walletUsers.js';

const log = createLogger('faults', 'silent');

/**
 * How a fault spec ends: every balance and pending figure equals what bitcoind says
 * (waiting up to 2 minutes), then, reading the whole topic from forkline's own brokers,
 * no stream lost a version, the projection applied every stream to its last version and
 * nothing is parked. A failure carries the BFF's /v1/status (the outbox backlog, the
 * projection's open gaps and parked events: a read side that stopped waiting for a lost
 * event tells itself apart from one that stopped reading), `diagnose()`'s text and the
 * processes' last output. Returns the integrity figures and how long the balances took to agree.
 */
export async function expectSettled(
  node: RegtestNode,
  forkline: ForklineInstance,
  users: WalletUsers,
  diagnose?: () => Promise<string>,
): Promise<StreamIntegrity & { convergedMs: number }> {
  const started = Date.now();
  try {
    await expectMatchesNode(node, forkline.bff, users, 120_000);
  } catch (err) {
    const status = await forkline.bff.request('GET', '/v1/status').then(
      (r) => JSON.stringify(r.body),
      (e: unknown) => `unreadable: ${(e as Error).message}`,
    );
    const more = diagnose ? `\n${await diagnose()}` : '';
    throw new Error(
      `${(err as Error).message}\n--- /v1/status ---\n${status}${more}\n--- recent process output ---\n${forkline.recentLogs()}`,
    );
  }
  const convergedMs = Date.now() - started;
  const integrity = await checkStreamIntegrity({
    kafka: createKafka({ brokers: forkline.env.KAFKA_BROKERS!.split(','), clientId: 'faults-check', log }),
    topic: forkline.env.RELAY_TOPIC!,
    writers: [forkline.dbs.online, forkline.tradingDb.pool],
    views: forkline.dbs.views,
  });
  expect(integrity.lost).toBe(0);
  expect(integrity.behindStreams).toEqual([]);
  expect(integrity.parked).toBe(0);
  return { ...integrity, convergedMs };
}
