import { Command, InvalidArgumentError } from 'commander';
import { z } from 'zod';
import { loadConfig } from '#shared/config/loadConfig.js';
import { runMain } from '#shared/lifecycle/runMain.js';
import { createUserTokens, DEFAULT_TOKEN_RULES } from './auth/userTokens.js';
import { bffConfigShape } from './config.js';
import { USER_ID_PATTERN } from './http/schemas.js';

/**
 * Mints a user token: `npx tsx bff/src/tokenMain.ts <userId> [--ttl 3600]` prints a JWT
 * (HS256 with FORKLINE_JWT_SECRET, sub = userId) that may read that user's balance and
 * activities until it expires.
 */
runMain(async () => {
  const program = new Command('token')
    .description("mint a user token that may read the user's own balance and activities")
    .argument('<userId>', 'the user the token is for', (value: string) => {
      if (!new RegExp(USER_ID_PATTERN).test(value)) {
        throw new InvalidArgumentError('1 to 64 characters, each a letter, a digit, "_" or "-"');
      }
      return value;
    })
    .option(
      '--ttl <seconds>',
      'lifetime in seconds',
      (value: string) => {
        const n = Number(value);
        if (!Number.isInteger(n) || n <= 0 || n > 366 * 24 * 3600) {
          throw new InvalidArgumentError('a whole number of seconds, at most a year');
        }
        return n;
      },
      3600,
    );
  await program.parseAsync();
  const [userId] = program.processedArgs as [string];
  const { ttl } = program.opts<{ ttl: number }>();
  const config = loadConfig({
    FORKLINE_JWT_SECRET: bffConfigShape.FORKLINE_JWT_SECRET,
    FORKLINE_JWT_ISSUER: bffConfigShape.FORKLINE_JWT_ISSUER,
    FORKLINE_JWT_AUDIENCE: bffConfigShape.FORKLINE_JWT_AUDIENCE,
    LOG_LEVEL: z.string().optional(),
  });
  const tokens = createUserTokens(config.FORKLINE_JWT_SECRET, {
    ...DEFAULT_TOKEN_RULES,
    issuer: config.FORKLINE_JWT_ISSUER,
    audience: config.FORKLINE_JWT_AUDIENCE,
  });
  process.stdout.write(`${tokens.sign(userId, ttl)}\n`);
});
