/**
 * Where a page keeps the token it signed in with: sessionStorage (this tab, until it
 * closes), never a URL query. `forkline open` hands it over in the #fragment, which no
 * server log sees; it is taken from there and removed from the address bar at once.
 */
export function createTokenStore(storageKey: string) {
  /** The token in `#token=…`, if any, which leaves the address bar (and the history entry) at once. */
  const fromFragment = (): string | null => {
    const token = new URLSearchParams(location.hash.slice(1)).get('token');
    if (token === null) return null;
    history.replaceState(null, '', location.pathname + location.search);
    return token.trim() === '' ? null : token.trim();
  };

  return {
    /** The token from `#token=…`, else the stored one. */
    take(): string | null {
      const token = fromFragment();
      if (token !== null) sessionStorage.setItem(storageKey, token);
      return token ?? sessionStorage.getItem(storageKey);
    },
    /** A link with a new token opened in this tab changes only the fragment: the page does not reload. */
    onNewToken(signIn: (token: string) => void): void {
      window.addEventListener('hashchange', () => {
        const token = fromFragment();
        if (token !== null) signIn(token);
      });
    },
    save(token: string): void {
      sessionStorage.setItem(storageKey, token);
    },
    clear(): void {
      sessionStorage.removeItem(storageKey);
    },
  };
}

export type TokenStore = ReturnType<typeof createTokenStore>;
