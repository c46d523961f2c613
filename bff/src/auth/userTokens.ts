import { createSigner, createVerifier, TokenError } from 'fast-jwt';
import { USER_ID_PATTERN } from '../http/schemas.js';

/** Why a user token is refused; each gets its own 401 detail. */
export type TokenRefusal = 'expired' | 'invalid' | 'no-expiry' | 'too-long' | 'issued-later' | 'wrong-party';

export type VerifiedUserToken =
  { ok: true; userId: string; expiresAt: number } | { ok: false; reason: TokenRefusal };

export interface UserTokenRules {
  /** The longest lifetime accepted (exp − iat, or exp − now without iat). */
  maxLifetimeSeconds: number;
  /** How far in the future an `iat` may lie (clocks differ a little). */
  clockSkewSeconds: number;
  /** When set, tokens must carry this `iss` / `aud` (and are minted with them). */
  issuer?: string | undefined;
  audience?: string | undefined;
}

export const DEFAULT_TOKEN_RULES: UserTokenRules = Object.freeze({
  maxLifetimeSeconds: 366 * 24 * 3600,
  clockSkewSeconds: 60,
});

const userIdRegExp = new RegExp(USER_ID_PATTERN);

/**
 * User tokens: HS256 JWTs with `sub` = userId and `exp`. Only HS256 is accepted, so a
 * token signed with `none` or an asymmetric algorithm is refused, whatever its header says.
 * Beyond the signature, the claims must be sane: an `exp` in milliseconds or 1e300 would
 * make a token that never expires, so the lifetime is bounded; an `iat` in the future is
 * refused; `iss`/`aud` are checked when configured.
 */
export function createUserTokens(secret: string, rules: UserTokenRules = DEFAULT_TOKEN_RULES) {
  const signers = new Map<number, (payload: Record<string, unknown>) => string>();
  const verify = createVerifier({
    key: secret,
    algorithms: ['HS256'],
    requiredClaims: ['sub'],
    ...(rules.issuer ? { allowedIss: rules.issuer } : {}),
    ...(rules.audience ? { allowedAud: rules.audience } : {}),
    // Verified tokens are cached (until their exp): a wallet app sends the same token
    // many times, and the HMAC then runs once.
    cache: 10_000,
  });

  return {
    /** Mints a token for `userId`, valid for `ttlSeconds`. */
    sign(userId: string, ttlSeconds: number): string {
      if (!userIdRegExp.test(userId)) throw new Error(`invalid user id ${JSON.stringify(userId)}`);
      let signer = signers.get(ttlSeconds);
      if (!signer) {
        signer = createSigner({
          key: secret,
          algorithm: 'HS256',
          expiresIn: ttlSeconds * 1000,
          ...(rules.issuer ? { iss: rules.issuer } : {}),
          ...(rules.audience ? { aud: rules.audience } : {}),
        });
        signers.set(ttlSeconds, signer);
      }
      return signer({ sub: userId });
    },

    verify(token: string, nowMs = Date.now()): VerifiedUserToken {
      let payload: { sub?: unknown; exp?: unknown; iat?: unknown; iss?: unknown; aud?: unknown };
      try {
        payload = verify(token) as typeof payload;
      } catch (err) {
        if (err instanceof TokenError && err.code === TokenError.codes.expired) return refuse('expired');
        if (err instanceof TokenError && err.code === TokenError.codes.invalidClaimValue)
          return refuse('wrong-party');
        return refuse('invalid');
      }
      if (typeof payload.sub !== 'string' || !userIdRegExp.test(payload.sub)) return refuse('invalid');
      // The verifier checks iss/aud only when present: a configured one must be there.
      if (rules.issuer && payload.iss !== rules.issuer) return refuse('wrong-party');
      const audiences = Array.isArray(payload.aud) ? (payload.aud as unknown[]) : [payload.aud];
      if (rules.audience && !audiences.includes(rules.audience)) return refuse('wrong-party');
      if (payload.exp === undefined) return refuse('no-expiry');
      const now = nowMs / 1000;
      if (typeof payload.exp !== 'number' || !Number.isFinite(payload.exp)) return refuse('invalid');
      if (payload.iat !== undefined) {
        if (typeof payload.iat !== 'number' || !Number.isFinite(payload.iat)) return refuse('invalid');
        if (payload.iat > now + rules.clockSkewSeconds) return refuse('issued-later');
      }
      const issuedAt = typeof payload.iat === 'number' ? payload.iat : now;
      if (payload.exp - issuedAt > rules.maxLifetimeSeconds) return refuse('too-long');
      return { ok: true, userId: payload.sub, expiresAt: payload.exp };
    },
  };
}

const refuse = (reason: TokenRefusal): VerifiedUserToken => ({ ok: false, reason });

export type UserTokens = ReturnType<typeof createUserTokens>;
