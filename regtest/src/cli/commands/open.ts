import type { Command } from 'commander';
import { mintUserToken } from '../mintUserToken.js';
import { CliError, stackEnv } from '../stack.js';

/**
 * `open <userId>` / `open --ops`: the URL of the wallet page (or the operator page) that
 * signs in on opening. The token rides in the #fragment, which the browser never sends:
 * it reaches no server log; the page moves it to sessionStorage and out of the address bar.
 */
export function registerOpenCommand(program: Command): void {
  program
    .command('open')
    .description('print a URL of the wallet page signed in as a user (or, with --ops, of the operator page)')
    .argument('[userId]', 'the user whose wallet page to open')
    .option('--ops', 'the operator page (/ops), signed in with the admin token')
    .option('--ttl <seconds>', "lifetime of the user's token in seconds", '3600')
    .action((userId: string | undefined, options: { ops?: boolean; ttl: string }) => {
      const env = stackEnv();
      const base = env.BFF_URL.replace(/\/+$/, '');
      if (options.ops) {
        if (userId !== undefined) throw new CliError('--ops opens the operator page: give no user');
        console.log(`${base}/ops#token=${encodeURIComponent(env.FORKLINE_ADMIN_TOKEN)}`);
        return;
      }
      if (userId === undefined) throw new CliError('name the user whose page to open (or --ops)');
      const token = mintUserToken(userId, options.ttl);
      console.log(`${base}/#token=${token}`);
    });
}
