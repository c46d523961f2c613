/**
 * The user a token is for: its JWT `sub`. Read, not verified — the BFF verifies every
 * request, and a forged claim only asks for routes it will refuse. Null when the token is
 * not a JWT with a subject.
 */
export function tokenSubject(token: string): string | null {
  const payload = token.split('.')[1];
  if (payload === undefined) return null;
  try {
    const base64 = payload.replace(/-/g, '+').replace(/_/g, '/');
    const json = atob(base64.padEnd(base64.length + ((4 - (base64.length % 4)) % 4), '='));
    const claims = JSON.parse(json) as { sub?: unknown };
    return typeof claims.sub === 'string' && claims.sub !== '' ? claims.sub : null;
  } catch {
    return null;
  }
}
