import { createSigner, createVerifier, TokenError } from 'fast-jwt';
import { USER_ID_PATTERN } from '../http/schemas.js';

export type VerifiedUserToken =
  { ok: true; userId: string; expiresAt: number } | { ok: false; reason: 'expired' | 'invalid' };

const userIdRegExp = new RegExp(USER_ID_PATTERN);

/**
 * User tokens: HS256 JWTs with `sub` = userId and `exp`. Only HS256 is accepted, so a
 * token signed with `none` or an asymmetric algorithm is refused, whatever its header says.
 */
export function createUserTokens(secret: string) {
  const signers = new Map<number, (payload: Record<string, unknown>) => string>();
  const verify = createVerifier({
    key: secret,
    algorithms: ['HS256'],
    requiredClaims: ['sub', 'exp'],
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
        signer = createSigner({ key: secret, algorithm: 'HS256', expiresIn: ttlSeconds * 1000 });
        signers.set(ttlSeconds, signer);
      }
      return signer({ sub: userId });
    },

    verify(token: string): VerifiedUserToken {
      try {
        const payload = verify(token) as { sub?: unknown; exp?: unknown };
        if (typeof payload.sub !== 'string' || !userIdRegExp.test(payload.sub)) {
          return { ok: false, reason: 'invalid' };
        }
        return { ok: true, userId: payload.sub, expiresAt: Number(payload.exp) };
      } catch (err) {
        if (err instanceof TokenError && err.code === TokenError.codes.expired) {
          return { ok: false, reason: 'expired' };
        }
        return { ok: false, reason: 'invalid' };
      }
    },
  };
}

export type UserTokens = ReturnType<typeof createUserTokens>;
