import type { Command } from 'commander';
import { mintUserToken } from '../mintUserToken.js';

/** `token <userId>`: a user JWT that may read only that user's routes. */
export function registerTokenCommand(program: Command): void {
  program
    .command('token')
    .description("mint a user token (HS256 JWT, sub = userId) that may read only that user's routes")
    .argument('<userId>', 'the user the token is for')
    .option('--ttl <seconds>', 'lifetime in seconds', '3600')
    .action((userId: string, options: { ttl: string }) => {
      console.log(mintUserToken(userId, options.ttl));
    });
}
