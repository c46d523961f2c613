import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSigner } from 'fast-jwt';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readStackEnv, repoRoot } from '#shared/testing/stackEnv.js';
import { waitFor } from '#shared/testing/waitFor.js';
import { createUserTokens } from '../../bff/src/auth/userTokens.js';
import { buildWeb } from '../../web/build.js';
import { launchChromium } from '../src/browser/launchChromium.js';
import { regtestFromStack, startForkline, type ForklineInstance } from '../src/scenario/forklineInstance.js';
import { fundHouse } from '../src/scenario/houseWallet.js';
import { createWalletUsers, type WalletUsers } from '../src/scenario/walletUsers.js';

const BTC = 100_000_000;
const PHONE = { width: 375, height: 812 };
const DESKTOP = { width: 1280, height: 900 };
/** What the page's live parts get to catch up with the chain (crawler → Kafka → projector → SSE). */
const LIVE_MS = 45_000;

/**
 * The wallet home page and the operator page in a real browser (Debian's chromium, driven
 * by playwright-core), against every process as `forkline run` starts it. The page is
 * signed in by the `#token=` link `forkline open` prints; payments, blocks and a reorg
 * must reach it without a reload, through the live event stream. SCREENSHOTS=1 writes the
 * README's pictures into docs/ (otherwise into a temporary directory).
 */
describe('forkline end to end: the wallet home page and the operator page in Chromium', () => {
  const node = regtestFromStack();
  const stack = readStackEnv();
  const tokens = createUserTokens(stack.FORKLINE_JWT_SECRET);
  let forkline: ForklineInstance;
  let users: WalletUsers;
  let browser: Awaited<ReturnType<typeof launchChromium>>;
  let webDir: string;
  let shots: string;
  let home: Page;
  /** Every console error and uncaught exception of every page, except the ones a step expects. */
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    webDir = await mkdtemp(join(tmpdir(), 'forkline-web-'));
    await buildWeb(webDir);
    shots = process.env.SCREENSHOTS ? join(repoRoot, 'docs') : join(webDir, 'screenshots');
    await mkdir(shots, { recursive: true });
    await node.ensureFunds(30);
    await fundHouse(node, 2);
    forkline = await startForkline('homepage', (await node.height()) - 5, { BFF_WEB_DIR: webDir });
    users = createWalletUsers(node, forkline.bff);
    await users.register('alice', ['bech32']);
    await forkline.bff.setPrice(60_000);
    browser = await launchChromium();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await forkline?.stop();
    if (webDir) await rm(webDir, { recursive: true, force: true });
  });

  /** A new tab at `path`, its console watched; `expected` are the errors this step provokes on purpose. */
  async function open(path: string, size = DESKTOP, expected: RegExp[] = []): Promise<Page> {
    const page = await browser.context.newPage();
    await page.setViewportSize(size);
    page.on('console', (message) => {
      if (message.type() !== 'error') return;
      if (expected.some((re) => re.test(message.text()))) return;
      consoleErrors.push(`${path.split('#')[0]}: ${message.text()}`);
    });
    page.on('pageerror', (err) => consoleErrors.push(`${path.split('#')[0]}: uncaught ${err.message}`));
    await page.goto(`${forkline.bffUrl}${path}`);
    return page;
  }

  /** The text of `selector` once `accept` holds for it. */
  const textWhen = (page: Page, selector: string, accept: (text: string) => boolean, what: string) =>
    waitFor(
      () =>
        page
          .locator(selector)
          .first()
          .textContent({ timeout: 1_000 })
          .catch(() => null),
      (text) => text !== null && accept(text),
      { timeoutMs: LIVE_MS, intervalMs: 100, what: `${what} (${selector})` },
    ).then((text) => text!);

  const statusOf = (txid: string) => `li[data-txid="${txid}"] .status`;
  const address = () => users.addressesOf('alice')[0]!;

  it('signs in from the #token= link and takes the token out of the address bar', async () => {
    const token = tokens.sign('alice', 3600);
    home = await open(`/#token=${token}`);
    expect(await textWhen(home, '#balance-confirmed', Boolean, 'the balance')).toBe('0.00000000 BTC');
    expect(home.url()).toBe(`${forkline.bffUrl}/`);
    expect(await storedToken(home)).toBe(token);
    expect(await home.locator('#who').textContent()).toBe('alice');
    expect(await home.locator('#activity-empty').textContent()).toBe('No activity yet.');
    expect(await home.locator('#balance-pending').textContent()).toBe('nothing pending');
    // Balance first, activities below it.
    const balanceTop = (await home.locator('#balance').boundingBox())!.y;
    expect((await home.locator('#activity').boundingBox())!.y).toBeGreaterThan(balanceTop);
    await textWhen(home, '#live-state', (t) => t === 'Live', 'the live stream to connect');
  });

  it('a payment shows without a reload: pending first, confirmed by a block, reverted by a reorg', async () => {
    const txid = await node.send(address(), 0.5);
    await textWhen(home, statusOf(txid), (t) => t === 'pending', 'the payment pending');
    await textWhen(home, '#balance-pending', (t) => t === '+0.50000000 BTC', 'the pending amount');
    expect(await home.locator(`li[data-txid="${txid}"] .kind`).textContent()).toBe('Receive');

    await node.mine(1);
    await textWhen(home, statusOf(txid), (t) => t === '1 confirmation', 'the payment confirmed');
    await textWhen(home, '#balance-confirmed', (t) => t === '0.50000000 BTC', 'the confirmed balance');
    await textWhen(home, '#balance-eur', (t) => t.startsWith('≈ €30,000.00'), 'its value in EUR');

    // Its block leaves the chain and a double-spend of its inputs confirms instead: reverted
    // with its block, or, if the crawler saw it back in the mempool before the double-spend
    // was mined, dropped as a conflict after that. The page ends where the API ends.
    await node.reorg(1, { doubleSpend: txid });
    await waitFor(
      async () =>
        Promise.all([
          forkline.bff.allActivities('alice').then((all) => all.find((a) => a.txid === txid)?.status),
          home.locator(statusOf(txid)).textContent({ timeout: 1_000 }),
        ]),
      ([status, text]) =>
        (status === 'reverted' && text === 'reverted') ||
        (status === 'dropped' && text === 'dropped (a conflicting payment confirmed)'),
      { timeoutMs: LIVE_MS, intervalMs: 100, what: 'the payment reverted, on the page as in the API' },
    );
    await textWhen(home, '#balance-confirmed', (t) => t === '0.00000000 BTC', 'the balance without it');
  });

  it('a buy shows its settlement, a withdrawal shows pending, all live', async () => {
    const payment = await node.send(address(), 1.25);
    await node.mine(1);
    await textWhen(home, statusOf(payment), (t) => t === '1 confirmation', 'the second payment confirmed');

    const order = await forkline.bff.placeOrder('alice', { side: 'buy', amountSats: 0.1 * BTC });
    const row = `li[data-order-id="${order.orderId}"]`;
    await textWhen(home, `${row} .kind`, (t) => t === 'Buy', 'the buy');
    expect(await home.locator(`${row} .detail`).textContent()).toBe('filled at €60,000.00 for €6,000.00');
    await textWhen(home, `${row} .status`, (t) => t === 'settlement pending', 'the settlement broadcast');
    await node.mine(1);
    await textWhen(home, `${row} .status`, (t) => t === 'settlement 1 confirmation', 'the settlement mined');

    const outsider = await node.newAddress('bech32', 'outsider');
    const withdrawal = (await users.pay('alice', { [outsider]: 0.2 }))!;
    await textWhen(home, statusOf(withdrawal), (t) => t === 'pending', 'the withdrawal pending');
    expect(await home.locator(`li[data-txid="${withdrawal}"] .kind`).textContent()).toBe('Withdrawal');
    const pending = await textWhen(
      home,
      '#balance-pending',
      (t) => t.startsWith('−0.2'),
      'the pending outflow',
    );
    expect((await forkline.bff.balance('alice')).pendingSats).toBe(btcSatsOf(pending));

    await home.screenshot({ path: join(shots, 'home-desktop.png') });
    await home.setViewportSize(PHONE);
    await home.screenshot({ path: join(shots, 'home-375.png') });
    // Nothing wider than the phone's screen: no sideways scrolling.
    expect(await home.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(
      PHONE.width,
    );
    await home.setViewportSize(DESKTOP);
  });

  it('pages through the activities with "load more"', async () => {
    const before = (await forkline.bff.allActivities('alice')).length;
    for (let i = 0; i < 21; i++) await node.send(address(), 0.001 * (i + 1));
    await node.mine(1);
    const all = await waitFor(
      () => forkline.bff.allActivities('alice'),
      (items) => items.length === before + 21 && items.every((a) => a.status !== 'pending'),
      { timeoutMs: LIVE_MS, what: `alice's ${before + 21} activities, none pending` },
    );
    const page = await open(`/#token=${tokens.sign('alice', 600)}`, PHONE);
    const items = page.locator('#activity-list > li');
    await waitFor(
      () => items.count(),
      (n) => n === 20,
      { what: 'the first page of 20' },
    );
    await page.getByRole('button', { name: 'Load more' }).click();
    await waitFor(
      () => items.count(),
      (n) => n === all.length,
      { what: `all ${all.length} activities` },
    );
    const shown = await page.evaluate<string[]>(
      "[...document.querySelectorAll('#activity-list > li')].map((li) => li.dataset.key)",
    );
    expect(shown).toEqual(all.map((a) => (a.orderId ? `order:${a.orderId}` : `tx:${a.txid}`)));
    expect(await page.locator('#load-more').count()).toBe(0);
    await page.close();
  });

  it('a bad token and an expired token get a clear message, never a blank page', async () => {
    const refused = [/status of 401/];
    const valid = tokens.sign('alice', 600);
    const tampered = `${valid.slice(0, -4)}${valid.endsWith('AAAA') ? 'BBBB' : 'AAAA'}`;
    const bad = await open(`/#token=${tampered}`, PHONE, refused);
    await textWhen(bad, '#sign-in-message', (t) => t.includes('the token is not valid'), 'the refusal');
    expect(await bad.getByLabel('Your access token').isVisible()).toBe(true);
    expect(await storedToken(bad)).toBeNull();

    // Signed an hour ago for a minute.
    const expired = createSigner({
      key: stack.FORKLINE_JWT_SECRET,
      algorithm: 'HS256',
      expiresIn: 60_000,
      clockTimestamp: Date.now() - 3_600_000,
    })({ sub: 'alice' });
    await bad.goto(`${forkline.bffUrl}/#token=${expired}`);
    await textWhen(bad, '#sign-in-message', (t) => t.includes('the token has expired'), 'the expiry');

    // A token pasted into the form signs in; sign-out forgets it.
    await bad.getByLabel('Your access token').fill(valid);
    await bad.getByRole('button', { name: 'Sign in' }).click();
    await textWhen(bad, '#balance-confirmed', (t) => t.endsWith(' BTC'), 'the balance after signing in');
    await bad.getByRole('button', { name: 'Sign out' }).click();
    expect(await bad.getByLabel('Your access token').isVisible()).toBe(true);
    expect(await storedToken(bad)).toBeNull();
    await bad.close();
  });

  it('the operator page shows every component, and one that stops answering as down', async () => {
    const ops = await open(`/ops#token=${encodeURIComponent(stack.FORKLINE_ADMIN_TOKEN)}`);
    expect(ops.url()).toBe(`${forkline.bffUrl}/ops`);
    const height = await node.height();
    await textWhen(
      ops,
      '#component-node dd',
      (t) => t === `block ${height.toLocaleString('en-US')}`,
      'the node tip',
    );
    for (const id of ['node', 'crawler', 'outbox', 'projector']) {
      await textWhen(ops, `#component-${id} .badge`, (t) => t === 'up', `${id} up`);
    }
    await textWhen(ops, '#component-crawler dd', (t) => t.startsWith('block '), 'the crawler tip');
    await ops.screenshot({ path: join(shots, 'ops.png'), fullPage: true });

    // A crawler that stops answering (SIGSTOP) shows as down with the reason, then up again.
    const crawler = forkline.supervisor.pid('crawler')!;
    process.kill(crawler, 'SIGSTOP');
    try {
      await textWhen(ops, '#component-crawler .badge', (t) => t === 'down', 'the crawler down');
      expect(await ops.locator('#component-crawler .reason').textContent()).toMatch(/did not answer/);
    } finally {
      process.kill(crawler, 'SIGCONT');
    }
    await textWhen(ops, '#component-crawler .badge', (t) => t === 'up', 'the crawler up again');
    await ops.close();
  });

  it('no page logged a console error', () => {
    expect(consoleErrors).toEqual([]);
  });
});

/** The page's own token in sessionStorage (the spec is compiled without the DOM's types). */
const storedToken = (page: Page) =>
  page.evaluate<string | null>("sessionStorage.getItem('forkline.userToken')");

/** "−0.20000000 BTC" → −20,000,000 (sats, as the page wrote them). */
function btcSatsOf(text: string): number {
  const digits = text.replace(/[^0-9]/g, '');
  return Number(digits) * (text.startsWith('−') ? -1 : 1);
}
