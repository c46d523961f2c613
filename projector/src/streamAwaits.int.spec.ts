import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '#shared/testing/waitFor.js';
import { projectionTables } from '#shared/views/projectionTables.js';
import { userTipSql } from '#shared/views/userTipSql.js';
import {
  blockConnected,
  blockDisconnected,
  chainEvents,
  confirmed,
  hex,
  reverted,
  userEvents,
} from './testing/events.js';
import { createProjectorTestbed, type ProjectorTestbed, type Scenario } from './testing/projectorHarness.js';

/**
 * The chain stream and a user's stream are applied in separate transactions (other
 * partitions, here: other times). The user's position — what a read claims the user's
 * rows reflect — stays below a block until the user's events of that block are applied.
 */
describe('projector: a user’s position waits for the user’s events of each block', () => {
  let bed: ProjectorTestbed;
  beforeAll(async () => {
    bed = await createProjectorTestbed('projector-awaits');
  });
  afterAll(() => bed.close());

  const position = async (s: Scenario, userId: string) =>
    (
      await bed.views.query<{ height: number; hash: string }>(
        `SELECT t.height, t.hash FROM (SELECT 1) one
           LEFT JOIN LATERAL (${userTipSql(projectionTables(s.schema), '$1::text')}) t ON true`,
        [`user:${userId}`],
      )
    ).rows[0];
  const awaitRows = async (s: Scenario) =>
    (
      await bed.views.query<{ stream: string; version: number; height: number }>(
        `SELECT stream, version, height FROM ${projectionTables(s.schema).streamAwaits}`,
      )
    ).rows;

  it('connect and disconnect: the block below until the user catches up, then the tip', async () => {
    const s = await bed.scenario('awaits');
    await s.start();
    const chain = chainEvents();
    const amy = userEvents('amy');
    const ben = userEvents('ben');

    await s.send([chain.next(blockConnected('b1', 1, 'b0'))]);
    await s.waitForVersion('chain', 1);
    expect(await position(s, 'amy')).toEqual({ height: 1, hash: hex('b1') });

    // Block 2 pays amy (her version 1) and ben (version 1); only ben's event arrives.
    const amyPaid = amy.next(confirmed('t-amy', 'b2', 2, { deltaSats: 500 }));
    await s.send([
      chain.next(blockConnected('b2', 2, 'b1', { 'user:amy': 1, 'user:ben': 1 })),
      ben.next(confirmed('t-ben', 'b2', 2, { deltaSats: 700 })),
    ]);
    await s.waitForVersion('chain', 2);
    await s.waitForVersion('user:ben', 1);
    expect(await position(s, 'amy')).toEqual({ height: 1, hash: hex('b1') });
    await waitFor(
      () => position(s, 'ben'),
      (p) => p?.height === 2,
      { what: 'ben at block 2' },
    );

    await s.send([amyPaid]);
    await s.waitForVersion('user:amy', 1);
    expect(await position(s, 'amy')).toEqual({ height: 2, hash: hex('b2') });

    // Block 2 leaves the chain: amy's revert (version 2) is late; she is at block 1, not
    // at an orphaned block 2, until it is applied.
    const amyReverted = amy.next(reverted('t-amy', 'b2', 2, -500));
    await s.send([
      chain.next(blockDisconnected('b2', 2, { prev: 'b1', streams: { 'user:amy': 2 } })),
      chain.next(blockConnected('b2x', 2, 'b1')),
    ]);
    await s.waitForVersion('chain', 4);
    expect(await position(s, 'amy')).toEqual({ height: 1, hash: hex('b1') });
    expect(await position(s, 'ben')).toEqual({ height: 2, hash: hex('b2x') });
    await s.send([amyReverted]);
    await s.waitForVersion('user:amy', 2);
    expect(await position(s, 'amy')).toEqual({ height: 2, hash: hex('b2x') });

    // The next chain batch sweeps the waits that were met.
    expect((await awaitRows(s)).length).toBeGreaterThan(0);
    await s.send([chain.next(blockConnected('b3', 3, 'b2x'))]);
    await s.waitForVersion('chain', 5);
    expect(await awaitRows(s)).toEqual([]);
  });

  it('a user whose events come first never waits', async () => {
    const s = await bed.scenario('awaits-early');
    await s.start();
    const chain = chainEvents();
    const cid = userEvents('cid');
    await s.send([cid.next(confirmed('t-cid', 'c1', 1, { deltaSats: 5 }))]);
    await s.waitForVersion('user:cid', 1);
    await s.send([chain.next(blockConnected('c1', 1, 'c0', { 'user:cid': 1 }))]);
    await s.waitForVersion('chain', 1);
    expect(await awaitRows(s)).toEqual([]);
    expect(await position(s, 'cid')).toEqual({ height: 1, hash: hex('c1') });
  });
});
