import { createApiClient, type ApiClient } from '../api/apiClient.js';
import { ApiError } from '../api/apiError.js';
import { createTokenStore } from '../auth/tokenStore.js';
import { byId } from '../ui/dom.js';
import { formatTime } from '../ui/format.js';
import { createSignInForm } from '../ui/signInForm.js';
import { renderStatus } from './renderStatus.js';

const POLL_MS = 2_000;

/** The operator page: the admin token, then GET /v1/status every two seconds. */
export function createOpsPage() {
  const tokens = createTokenStore('forkline.adminToken');
  const signIn = createSignInForm((token) => start(token));
  const notice = byId('notice');
  const components = byId('components');
  const checkedAt = byId('checked-at');
  let polling: { api: ApiClient; timer?: number } | null = null;

  byId('sign-out').addEventListener('click', () => signOut(null));

  function signOut(reason: string | null): void {
    if (polling?.timer !== undefined) clearTimeout(polling.timer);
    polling = null;
    tokens.clear();
    components.replaceChildren();
    checkedAt.textContent = '';
    notice.textContent = '';
    signIn.show(reason);
  }

  async function poll(current: NonNullable<typeof polling>): Promise<void> {
    try {
      const status = await current.api.status();
      if (polling !== current) return;
      renderStatus(components, status);
      checkedAt.textContent = `Checked ${formatTime(status.checkedAt)}`;
      checkedAt.setAttribute('datetime', status.checkedAt);
      notice.textContent = '';
    } catch (error) {
      if (polling !== current) return;
      const apiError = error instanceof ApiError ? error : new ApiError(0, String(error));
      if (apiError.signInAgain) return signOut(`Sign-in refused: ${apiError.detail}`);
      if (apiError.status === 403) return signOut('This page needs the admin token, not a user token.');
      // The BFF itself is down or busy: the last figures stay, marked stale.
      notice.textContent = `Status unavailable (${apiError.detail}); the figures below may be stale.`;
    }
    if (polling === current) current.timer = window.setTimeout(() => void poll(current), POLL_MS);
  }

  function start(token: string): void {
    if (polling) signOut(null);
    tokens.save(token);
    polling = { api: createApiClient(token) };
    notice.textContent = 'Loading…';
    signIn.hide();
    void poll(polling);
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
