import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeTxid, seedActivity, seedBlocks, seedUser } from '../testing/seedViews.js';
import { createTestApp, type TestApp } from '../testing/testApp.js';

interface Page {
  items: { txid: string }[];
  nextCursor: string | null;
}

/** Cursor pages neither repeat nor skip rows while new activities keep arriving. */
describe('activities pagination under concurrent inserts', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp('bff-pages');
    await seedUser(t.dbs.views, 'busy');
    await seedBlocks(t.dbs.views, 0, 50);
  });
  afterAll(() => t.close());

  it('walks every row that existed at the start exactly once, in newest-first order', async () => {
    const initial: string[] = [];
    for (let i = 0; i < 237; i++) {
      const txid = fakeTxid(`old-${i}`);
      await seedActivity(t.dbs.views, 'busy', { txid, blockHeight: 1 + (i % 50) });
      initial.unshift(txid); // newest first
    }
    // Rows arrive all along the walk, and an old row changes status (a reorg).
    let writing = true;
    let written = 0;
    const writer = (async () => {
      while (writing) {
        await seedActivity(t.dbs.views, 'busy', { txid: fakeTxid(`new-${written++}`), blockHeight: 50 });
        if (written === 5) {
          await t.dbs.views.query(
            "UPDATE projection.activities SET status = 'reverted', block_hash = NULL, block_height = NULL WHERE txid = $1",
            [initial[100]],
          );
        }
      }
    })();

    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const url: string = `/v1/users/busy/activities?limit=7${cursor ? `&cursor=${cursor}` : ''}`;
      const res = await t.app.inject({ url, headers: t.admin });
      expect(res.statusCode).toBe(200);
      const page = res.json<Page>();
      seen.push(...page.items.map((i) => i.txid));
      cursor = page.nextCursor;
      pages++;
      // Let the writer insert between pages.
      const target = written + 2;
      while (written < target && pages < 200) await new Promise<void>((r) => setImmediate(r));
    } while (cursor);
    writing = false;
    await writer;

    expect(written).toBeGreaterThan(pages); // rows really did arrive during the walk
    expect(new Set(seen).size).toBe(seen.length); // no repeats
    const old = seen.filter((s) => initial.includes(s));
    expect(old).toEqual(initial); // no skips, in order
    // Anything new that was seen sits at the top of the first page (it arrived before it).
    const firstOld = seen.indexOf(initial[0]!);
    expect(seen.slice(firstOld)).toEqual(initial);
  });
});
