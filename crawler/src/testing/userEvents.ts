import type { Executor } from '#shared/db/pool.js';
import { userStream } from '#shared/events/streams.js';
import { selectOutboxEvents, type OutboxEnvelope } from './selectOutboxEvents.js';

/** A user's events in the outbox, in version order, as `type txid` lines and in full. */
export async function userEvents(
  ex: Executor,
  userId: string,
): Promise<{ lines: string[]; events: OutboxEnvelope[] }> {
  const stream = userStream(userId);
  const events = (await selectOutboxEvents(ex))
    .filter((e) => e.stream === stream)
    .sort((a, b) => a.version - b.version);
  const lines = events.map((e) => {
    const p = e.payload as { txid?: string; reason?: string };
    return [e.type, p.txid, p.reason].filter(Boolean).join(' ');
  });
  return { lines, events };
}

/** The pending rows the crawler holds: txid → users. */
export async function pendingRows(ex: Executor): Promise<Map<string, string[]>> {
  const { rows } = await ex.query<{ txid: string; user_id: string }>(
    'SELECT txid, user_id FROM mempool_txs ORDER BY txid, user_id',
  );
  const byTxid = new Map<string, string[]>();
  for (const r of rows) byTxid.set(r.txid, [...(byTxid.get(r.txid) ?? []), r.user_id]);
  return byTxid;
}
