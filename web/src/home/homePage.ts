import { createApiClient, type ApiClient } from '../api/apiClient.js';
import { ApiError } from '../api/apiError.js';
import type { Activity, Balance, Price, Tip } from '../api/types.js';
import { createTokenStore } from '../auth/tokenStore.js';
import { tokenSubject } from '../auth/tokenSubject.js';
import { byId } from '../ui/dom.js';
import { createSignInForm } from '../ui/signInForm.js';
import { followLiveUpdates, type LiveState } from './liveUpdates.js';
import { appendPage, mergeActivities, withTip } from './mergeActivities.js';
import { renderActivities } from './renderActivities.js';
import { renderBalance } from './renderBalance.js';

const PAGE_SIZE = 20;
const PRICE_REFRESH_MS = 30_000;
const RELOAD_RETRY_MS = 5_000;

interface Session {
  userId: string;
  api: ApiClient;
  balance: Balance | null;
  price: Price | null;
  activities: Activity[];
  /** The tip the list's confirmations are counted at (height:hash), from whichever came last. */
  listTip: string | null;
  nextCursor: string | null;
  loadingMore: boolean;
  live?: { close(): void };
  timers: number[];
}

const tipKey = (tip: Tip): string => `${tip.height}:${tip.hash}`;

/** Recounts the shown confirmations at `tip`. */
function countAt(s: Session, tip: Tip): void {
  s.listTip = tipKey(tip);
  s.activities = withTip(s.activities, tip.height);
}

/**
 * The wallet home page: sign-in, then the balance on top and the activity list below,
 * kept fresh by the live event stream.
 */
export function createHomePage() {
  const tokens = createTokenStore('forkline.userToken');
  const signIn = createSignInForm((token) => start(token));
  const who = byId('who');
  const notice = byId('notice');
  const liveState = byId('live-state');
  const balanceSection = byId('balance');
  const activitySection = byId('activity');
  let session: Session | null = null;

  byId('sign-out').addEventListener('click', () => signOut(null));

  function signOut(reason: string | null): void {
    if (session) {
      session.live?.close();
      session.timers.forEach((t) => clearTimeout(t));
    }
    session = null;
    tokens.clear();
    who.textContent = '';
    notice.textContent = '';
    liveState.textContent = '';
    balanceSection.replaceChildren();
    activitySection.replaceChildren();
    signIn.show(reason);
  }

  /** A failed read: a refused token signs out with the BFF's reason; anything else is retried. */
  function failed(s: Session, error: unknown, retry: () => void): void {
    if (session !== s) return;
    const apiError = error instanceof ApiError ? error : new ApiError(0, String(error));
    if (apiError.signInAgain) return signOut(`Sign-in refused: ${apiError.detail}`);
    if (apiError.status === 403 || apiError.status === 404) return signOut(apiError.detail);
    notice.textContent = `Could not load your wallet (${apiError.detail}); trying again.`;
    s.timers.push(window.setTimeout(retry, RELOAD_RETRY_MS));
  }

  function render(s: Session): void {
    if (s.balance) renderBalance(balanceSection, s.balance, s.price);
    renderActivities(activitySection, s.activities, {
      hasMore: s.nextCursor !== null,
      loading: s.loadingMore,
      onLoadMore: () => void loadMore(s),
    });
  }

  /** Balance, the first page of activities and the price, from scratch. */
  async function reload(s: Session): Promise<void> {
    try {
      const [balance, page, price] = await Promise.all([
        s.api.balance(s.userId),
        s.api.activities(s.userId, PAGE_SIZE),
        s.api.price().catch(() => null),
      ]);
      if (session !== s) return;
      Object.assign(s, {
        balance,
        price,
        activities: page.items,
        listTip: page.tip && tipKey(page.tip),
        nextCursor: page.nextCursor,
      });
      notice.textContent = '';
      render(s);
    } catch (error) {
      failed(s, error, () => void reload(s));
    }
  }

  async function loadMore(s: Session): Promise<void> {
    if (s.nextCursor === null || s.loadingMore) return;
    s.loadingMore = true;
    render(s);
    try {
      const page = await s.api.activities(s.userId, PAGE_SIZE, s.nextCursor);
      if (session !== s) return;
      s.activities = appendPage(s.activities, page.items);
      s.nextCursor = page.nextCursor;
    } catch (error) {
      failed(s, error, () => undefined);
    } finally {
      s.loadingMore = false;
      if (session === s) render(s);
    }
  }

  async function refreshPrice(s: Session): Promise<void> {
    const price = await s.api.price().catch(() => s.price);
    if (session !== s) return;
    s.price = price;
    render(s);
    s.timers.push(window.setTimeout(() => void refreshPrice(s), PRICE_REFRESH_MS));
  }

  function showLiveState(state: LiveState): void {
    liveState.dataset.state = state.kind;
    liveState.textContent =
      state.kind === 'live'
        ? 'Live'
        : state.kind === 'connecting'
          ? 'Connecting…'
          : `Live updates paused (${state.why}); retrying in ${Math.ceil(state.inMs / 1000)} s`;
  }

  function start(token: string): void {
    const userId = tokenSubject(token);
    if (userId === null) {
      return signOut('That is not a user token (a signed JWT naming its user). Ask for a new link.');
    }
    if (session) signOut(null);
    tokens.save(token);
    const api = createApiClient(token);
    const s: Session = {
      userId,
      api,
      balance: null,
      price: null,
      activities: [],
      listTip: null,
      nextCursor: null,
      loadingMore: false,
      timers: [],
    };
    session = s;
    who.textContent = userId;
    notice.textContent = 'Loading…';
    signIn.hide();
    void reload(s).then(() => {
      if (session !== s) return;
      s.timers.push(window.setTimeout(() => void refreshPrice(s), PRICE_REFRESH_MS));
      s.live = followLiveUpdates(api.eventsUrl(userId), token, {
        onChange(change) {
          if (session !== s) return;
          // A change's tip counts for the whole list: the BFF sends no `tip` event for a tip
          // a change has already given (in a reorg, it may be lower than the one before).
          const tip = change.balance?.tip;
          if (tip && tipKey(tip) !== s.listTip) countAt(s, tip);
          if (change.balance) s.balance = change.balance;
          s.activities = mergeActivities(s.activities, change.activities, change.removed);
          render(s);
        },
        onTip(tip) {
          if (session !== s) return;
          countAt(s, tip);
          // No change of the user came with this block: their balance stands at it too.
          if (s.balance && (s.balance.tip?.height ?? -1) < tip.height) s.balance = { ...s.balance, tip };
          render(s);
        },
        onReset: () => void reload(s),
        onState: showLiveState,
        onUnauthorized: (error) => signOut(`Sign-in refused: ${error.detail}`),
      });
    });
  }

  return {
    start(): void {
      tokens.onNewToken((token) => start(token));
      const token = tokens.take();
      if (token === null) signIn.show(null);
      else start(token);
    },
  };
}
