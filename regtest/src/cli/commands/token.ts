import type { Command } from 'commander';
import { createUserTokens } from '../../../../bff/src/auth/userTokens.js';
import { parseCount } from '../parse.js';
import { CliError, stackEnv } from '../stack.js';

/** `token <userId>`: a user JWT that may read only that user's routes. */
export function registerTokenCommand(program: Command): void {
  program
    .command('token')
    .description("mint a user token (HS256 JWT, sub = userId) that may read only that user's routes")
    .argument('<userId>', 'the user the token is for')
    .option('--ttl <seconds>', 'lifetime in seconds', '3600')
    .action((userId: string, options: { ttl: string }) => {
      const secret = process.env.FORKLINE_JWT_SECRET ?? stackEnv().FORKLINE_JWT_SECRET;
      try {
        console.log(createUserTokens(secret).sign(userId, parseCount(options.ttl, '--ttl', 366 * 24 * 3600)));
      } catch (err) {
        throw new CliError((err as Error).message);
      }
    });
}
