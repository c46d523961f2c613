import { Command, CommanderError } from 'commander';
import { ForklineError } from '#shared/errors/catalogue.js';
import { RegtestError } from '#shared/testing/regtestError.js';
import { registerChainCommands } from './commands/chain.js';
import { registerMempoolCommands } from './commands/mempool.js';
import { registerOpenCommand } from './commands/open.js';
import { registerRebuildCommand } from './commands/rebuild.js';
import { registerRunCommand } from './commands/run.js';
import { registerStackCommands } from './commands/stackCommands.js';
import { registerTokenCommand } from './commands/token.js';
import { registerTradingCommands } from './commands/trading.js';
import { registerUserCommands } from './commands/users.js';
import { registerWatchCommand } from './commands/watch.js';
import { CliError } from './stack.js';

const program = new Command('forkline')
  .description('forkline: follow bitcoind, keep balances right through reorgs — and drive a regtest chain')
  .showHelpAfterError('(run with --help for usage)')
  .exitOverride();

registerStackCommands(program);
registerChainCommands(program);
registerMempoolCommands(program);
registerRunCommand(program);
registerTokenCommand(program);
registerOpenCommand(program);
registerRebuildCommand(program);
registerUserCommands(program);
registerWatchCommand(program);
registerTradingCommands(program);

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) {
    process.exitCode = err.exitCode;
  } else if (err instanceof CliError || err instanceof ForklineError || err instanceof RegtestError) {
    console.error(`forkline: ${err.message}`);
    process.exitCode = 1;
  } else {
    throw err;
  }
}
