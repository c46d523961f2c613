import { afterEach, describe, expect, it } from 'vitest';
import { createUserTokens, DEFAULT_TOKEN_RULES } from '../../../bff/src/auth/userTokens.js';
import { mintUserToken } from './mintUserToken.js';

const SECRET = 'mint-spec-secret-0123456789abcdef0123456789';
const claims = (token: string) =>
  JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;

describe('mintUserToken (forkline token / open)', () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
  });

  it('mints what a BFF requiring an issuer and an audience accepts', () => {
    Object.assign(process.env, {
      FORKLINE_JWT_SECRET: SECRET,
      FORKLINE_JWT_ISSUER: 'wallet.example',
      FORKLINE_JWT_AUDIENCE: 'forkline',
    });
    const token = mintUserToken('alice', '600');
    expect(claims(token)).toMatchObject({ sub: 'alice', iss: 'wallet.example', aud: 'forkline' });
    const bff = createUserTokens(SECRET, {
      ...DEFAULT_TOKEN_RULES,
      issuer: 'wallet.example',
      audience: 'forkline',
    });
    expect(bff.verify(token)).toMatchObject({ ok: true, userId: 'alice' });
  });

  it('mints a plain token when the BFF requires neither', () => {
    Object.assign(process.env, {
      FORKLINE_JWT_SECRET: SECRET,
      FORKLINE_JWT_ISSUER: '',
      FORKLINE_JWT_AUDIENCE: '',
    });
    const token = mintUserToken('bob', '600');
    expect(claims(token)).not.toHaveProperty('iss');
    expect(createUserTokens(SECRET).verify(token)).toMatchObject({ ok: true, userId: 'bob' });
  });
});
