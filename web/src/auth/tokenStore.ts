/**
 * Where a page keeps the token it signed in with: sessionStorage (this tab, until it
 * closes), never a URL query. `forkline open` hands it over in the #fragment, which no
 * server log sees; it is taken from there and removed from the address bar at once.
 */
export function createTokenStore(storageKey: string) {
  return {
    /** The token from `#token=…` (then removed from the address bar), else the stored one. */
    take(): string | null {
      const fromFragment = new URLSearchParams(location.hash.slice(1)).get('token');
      if (fromFragment !== null) {
        history.replaceState(null, '', location.pathname + location.search);
        const token = fromFragment.trim();
        if (token !== '') {
          sessionStorage.setItem(storageKey, token);
          return token;
        }
      }
      return sessionStorage.getItem(storageKey);
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
