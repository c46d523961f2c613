import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Executor } from '#shared/db/pool.js';
import { USER_CHANGES_CHANNEL } from '#shared/views/userChanges.js';
import { fakeTxid, seedActivity, seedBlocks, seedUser } from '../testing/seedViews.js';
import { openSse } from '../testing/sseClient.js';
import { waitFor } from '#shared/testing/waitFor.js';
import { createLogger } from '#shared/logging/logger.js';
import { createLiveHub } from './createLiveHub.js';
import type { SseEvent, SseStream } from './createSseStream.js';
import { createTestApp, type TestApp } from '../testing/testApp.js';

/**
 * The BFF's side of live updates, against its own views database: the projector's
 * contract (a user_changes row per user and batch, NOTIFY with the ids) is played here
 * by SQL, so every case can be set up exactly; regtest/e2e covers the real projector.
 */
/** A `change` event's data. */
interface ChangeData {
  userId: string;
  balance: { pendingSats: number; totalSats: number } | null;
  activities: { txid: string | null; status: string; amountSats: number; confirmations: number | null }[];
  removed: string[];
}
const changeData = (data: string | undefined) => JSON.parse(data ?? '') as ChangeData;

describe('GET /v1/users/:userId/events (live updates)', () => {
  let t: TestApp;
  let base: string;

  /** What the projector does after a batch: rows, then NOTIFY with their ids (at commit). */
  const commitChanges = async (views: Executor, changes: { userId: string; activityIds: string[] }[]) => {
    const { rows } = await views.query<{ from: number; to: number }>(
      `WITH i AS (INSERT INTO projection.user_changes (user_id, activity_ids)
                  SELECT u, a::jsonb FROM unnest($1::text[], $2::text[]) AS c(u, a) RETURNING id)
       SELECT min(id)::int AS from, max(id)::int AS to FROM i`,
      [changes.map((c) => c.userId), changes.map((c) => JSON.stringify(c.activityIds))],
    );
    await views.query('SELECT pg_notify($1, $2)', [
      USER_CHANGES_CHANNEL,
      JSON.stringify({ changes: rows[0], tip: null }),
    ]);
    return rows[0]!;
  };

  /** Closed streams leave the hub when the server sees the socket close. */
  const noSubscribers = () =>
    waitFor(
      async () => (await t.app.inject({ url: '/metrics' })).body,
      (body) => /^forkline_bff_live_subscribers(\{[^}]*\})? 0$/m.test(body),
      { what: 'every live stream to be gone', timeoutMs: 5_000 },
    );

  beforeAll(async () => {
    t = await createTestApp('bff-live', {
      settings: { live: { maxSubscribers: 3, heartbeatMs: 200, stallMs: 1_000 } },
    });
    await seedBlocks(t.dbs.views, 0, 10);
    for (const user of ['ann', 'ben', 'cy']) await seedUser(t.dbs.views, user, { confirmedSats: 1_000 });
    base = await t.app.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(() => t.close());

  it('starts with the current balance, then pushes each committed change with its id', async () => {
    const sse = await openSse(`${base}/v1/users/ann/events`, t.userAuth('ann'));
    expect(sse.status).toBe(200);
    expect(sse.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const first = await sse.next();
    expect(first.event).toBe('change');
    expect(JSON.parse(first.data)).toMatchObject({
      userId: 'ann',
      balance: { userId: 'ann', confirmedSats: 1_000, tip: { height: 10 } },
      activities: [],
    });

    const txid = fakeTxid('ann-1');
    await seedActivity(t.dbs.views, 'ann', { txid, amountSats: 5_000, status: 'pending', blockHeight: null });
    await t.dbs.views.query('UPDATE projection.balances SET pending_sats = 5000 WHERE user_id = $1', ['ann']);
    const { from: id } = await commitChanges(t.dbs.views, [
      { userId: 'ann', activityIds: [txid] },
      { userId: 'ben', activityIds: [] },
    ]);
    const pushed = await sse.next();
    expect(pushed).toMatchObject({ event: 'change', id: String(id) });
    const body = changeData(pushed.data);
    expect(body.balance).toMatchObject({ pendingSats: 5_000, totalSats: 6_000 });
    expect(body.activities).toEqual([
      expect.objectContaining({ txid, status: 'pending', amountSats: 5_000 }),
    ]);
    expect(body.removed).toEqual([]);
    sse.close();
  });

  it('sends a client that reconnects with Last-Event-ID what it missed, in one event', async () => {
    const sse = await openSse(`${base}/v1/users/ben/events`, t.userAuth('ben'));
    const seen = (await sse.next()).id!;
    sse.close();
    const [a, b] = [fakeTxid('ben-1'), fakeTxid('ben-2')];
    await seedActivity(t.dbs.views, 'ben', { txid: a, blockHeight: 9 });
    await commitChanges(t.dbs.views, [{ userId: 'ben', activityIds: [a] }]);
    await seedActivity(t.dbs.views, 'ben', { txid: b, blockHeight: 10 });
    const { to: last } = await commitChanges(t.dbs.views, [{ userId: 'ben', activityIds: [b] }]);

    const again = await openSse(`${base}/v1/users/ben/events`, {
      ...t.userAuth('ben'),
      'last-event-id': seen,
    });
    const missed = await again.next();
    expect(missed).toMatchObject({ event: 'change', id: String(last) });
    const body = changeData(missed.data);
    expect(body.activities.map((i) => i.txid).sort()).toEqual([a, b].sort());
    expect(body.activities.find((i) => i.txid === a)?.confirmations).toBe(2);
    again.close();
  });

  it('tells a client whose position fell out of retention to start over', async () => {
    await t.dbs.views.query(
      `DELETE FROM projection.user_changes WHERE id < (SELECT max(id) FROM projection.user_changes)`,
    );
    const sse = await openSse(`${base}/v1/users/cy/events`, { ...t.userAuth('cy'), 'last-event-id': '1' });
    expect((await sse.next()).event).toBe('reset');
    expect((await sse.next()).event).toBe('change');
    sse.close();
  });

  it("refuses another user's token, an unknown user, and a stream beyond the limit", async () => {
    const other = await openSse(`${base}/v1/users/ann/events`, t.userAuth('ben'));
    expect(other.status).toBe(403);
    expect(other.headers.get('content-type')).toMatch(/application\/problem\+json/);
    await other.body();
    const unknown = await openSse(`${base}/v1/users/nobody/events`, t.admin);
    expect(unknown.status).toBe(404);
    await unknown.body();

    await noSubscribers();
    const open = [];
    for (const user of ['ann', 'ben', 'cy']) {
      const s = await openSse(`${base}/v1/users/${user}/events`, t.userAuth(user));
      await s.next();
      open.push(s);
    }
    const refused = await openSse(`${base}/v1/users/ann/events`, t.userAuth('ann'));
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('5');
    expect(JSON.parse(await refused.body())).toMatchObject({ code: 'TOO_MANY_SUBSCRIBERS', status: 503 });
    for (const s of open) s.close();
  });

  it('pings a stream only once it has been silent, so none goes longer than heartbeatMs without a byte', async () => {
    const sent: { at: number; event: SseEvent }[] = [];
    let lastSent = performance.now();
    const stream: SseStream = {
      send: (event) => {
        lastSent = performance.now();
        sent.push({ at: lastSent, event });
        return true;
      },
      backedUpSince: () => undefined,
      lastSentAt: () => lastSent,
      onDrain: () => {},
      onClose: () => {},
      close: () => {},
    };
    const heartbeatMs = 200;
    const hub = createLiveHub({
      views: t.dbs.views,
      log: createLogger('test', 'silent'),
      maxSubscribers: 10,
      heartbeatMs,
      stallMs: 10_000,
    });
    const started = performance.now();
    try {
      hub.subscribe('ann', stream, undefined);
      // Changes at odd moments of the heartbeat's period: a stream just sent one is not pinged.
      for (const [i, pause] of [150, 280, 290].entries()) {
        await new Promise((r) => setTimeout(r, pause));
        const txid = fakeTxid(`hb-${i}`);
        await seedActivity(t.dbs.views, 'ann', { txid, blockHeight: 10 });
        hub.notice({
          changes: await commitChanges(t.dbs.views, [{ userId: 'ann', activityIds: [txid] }]),
          tip: null,
        });
      }
      await new Promise((r) => setTimeout(r, 1_200));
    } finally {
      hub.close();
    }
    expect(sent[0]!.event.event).toBe('change'); // the state first
    expect(sent.filter((s) => s.event.event === 'change')).toHaveLength(4);
    expect(sent.filter((s) => s.event.comment === 'ping').length).toBeGreaterThanOrEqual(4);
    const times = [started, ...sent.map((s) => s.at)];
    for (let i = 1; i < times.length; i++) {
      const gap = times[i]! - times[i - 1]!;
      // A ping only after most of a period of silence (so at most one per period)…
      if (sent[i - 1]!.event.comment === 'ping') expect(gap).toBeGreaterThanOrEqual((heartbeatMs * 7) / 8);
      // …and never much more than a period without a byte (timers run late on a busy machine).
      expect(gap).toBeLessThan(heartbeatMs + 300);
    }
  });

  it('keeps a change its stream refused (the client stopped reading meanwhile) and sends it on drain', async () => {
    const sent: SseEvent[] = [];
    let since: number | undefined;
    let refuseNextChange = false;
    let drain = () => {};
    const stream: SseStream = {
      send: (e) => {
        if (since !== undefined) return false;
        if (refuseNextChange && e.event === 'change') {
          refuseNextChange = false;
          since = Date.now();
          return false;
        }
        sent.push(e);
        return true;
      },
      backedUpSince: () => since,
      lastSentAt: () => performance.now(),
      onDrain: (l) => void (drain = l),
      onClose: () => {},
      close: () => {},
    };
    const hub = createLiveHub({
      views: t.dbs.views,
      log: createLogger('test', 'silent'),
      maxSubscribers: 10,
      heartbeatMs: 60_000,
      stallMs: 60_000,
    });
    try {
      const events = () => sent.filter((e) => e.event === 'change');
      hub.subscribe('ben', stream, undefined);
      await waitFor(
        () => Promise.resolve(events().length),
        (n) => n === 1,
        { what: 'the first event' },
      );
      refuseNextChange = true;
      const txid = fakeTxid('ben-refused');
      await seedActivity(t.dbs.views, 'ben', { txid, blockHeight: 10 });
      hub.notice({
        changes: await commitChanges(t.dbs.views, [{ userId: 'ben', activityIds: [txid] }]),
        tip: null,
      });
      await waitFor(
        () => Promise.resolve(since),
        (s) => s !== undefined,
        { what: 'the change to be refused' },
      );
      since = undefined;
      drain();
      await waitFor(
        () => Promise.resolve(events().length),
        (n) => n === 2,
        { what: 'the refused change, once the client reads again' },
      );
      expect(changeData(events()[1]!.data).activities.map((a) => a.txid)).toEqual([txid]);
    } finally {
      hub.close();
    }
  });

  it('keeps nothing queued for a client that stops reading: one event on drain, then disconnects it when stalled', async () => {
    const sent: SseEvent[] = [];
    let since: number | undefined;
    let drain = () => {};
    let closed = false;
    const stream: SseStream = {
      send: (e) => (since === undefined ? (sent.push(e), true) : false),
      backedUpSince: () => since,
      lastSentAt: () => 0,
      onDrain: (l) => void (drain = l),
      onClose: () => {},
      close: () => void (closed = true),
    };
    const hub = createLiveHub({
      views: t.dbs.views,
      log: createLogger('test', 'silent'),
      maxSubscribers: 10,
      heartbeatMs: 100,
      stallMs: 600,
      maxPendingIds: 50,
    });
    // Events, not the heartbeats that may come between them.
    const events = () => sent.filter((e) => e.event !== undefined);
    hub.subscribe('cy', stream, undefined);
    await waitFor(
      () => Promise.resolve(events().length),
      (n) => n === 1,
      { what: 'the first event' },
    );
    since = Date.now(); // the client stops reading
    const written = sent.length;
    for (let i = 0; i < 120; i++) {
      const txid = fakeTxid(`cy-${i}`);
      await seedActivity(t.dbs.views, 'cy', { txid, blockHeight: 10 });
      hub.notice({
        changes: await commitChanges(t.dbs.views, [{ userId: 'cy', activityIds: [txid] }]),
        tip: null,
      });
    }
    hub.notice({ changes: null, tip: { height: 11, hash: 'ab' } });
    await new Promise((r) => setTimeout(r, 200));
    expect(sent).toHaveLength(written); // nothing written meanwhile, not even heartbeats
    since = undefined;
    drain();
    await waitFor(
      () => Promise.resolve(events().length),
      (n) => n >= 3,
      { what: 'the coalesced events' },
    );
    // 120 changed activities exceed what is kept (50): the client is told to start over.
    expect(
      events()
        .slice(1, 3)
        .map((e) => e.event),
    ).toEqual(['reset', 'change']);
    expect(changeData(events()[2]!.data).activities).toEqual([]);
    since = Date.now() - 1_000;
    await waitFor(
      () => Promise.resolve(closed),
      (c) => c,
      { what: 'the stalled client to be disconnected' },
    );
    hub.close();
  });
});
