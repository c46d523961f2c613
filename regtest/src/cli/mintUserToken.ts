import { createUserTokens, DEFAULT_TOKEN_RULES } from '../../../bff/src/auth/userTokens.js';
import { parseCount } from './parse.js';
import { CliError, stackEnv } from './stack.js';

/**
 * A user token as the BFF will accept it: signed with FORKLINE_JWT_SECRET and, when the
 * BFF requires them, carrying FORKLINE_JWT_ISSUER / FORKLINE_JWT_AUDIENCE (the
 * environment first, then the stack's). `ttl` is the --ttl option's text, in seconds.
 */
export function mintUserToken(userId: string, ttl: string): string {
  // The stack's values only when the environment has no secret of its own (no stack needed then).
  const env = (process.env.FORKLINE_JWT_SECRET ? process.env : { ...stackEnv(), ...process.env }) as Record<
    string,
    string | undefined
  >;
  const secret = env.FORKLINE_JWT_SECRET;
  if (!secret) throw new CliError('FORKLINE_JWT_SECRET is not set (nor in .run/stack.env)');
  const rules = {
    ...DEFAULT_TOKEN_RULES,
    issuer: env.FORKLINE_JWT_ISSUER || undefined,
    audience: env.FORKLINE_JWT_AUDIENCE || undefined,
  };
  try {
    return createUserTokens(secret, rules).sign(userId, parseCount(ttl, '--ttl', 366 * 24 * 3600));
  } catch (err) {
    throw new CliError((err as Error).message);
  }
}
