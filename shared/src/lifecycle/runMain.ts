import { ConfigError } from '../config/loadConfig.js';

/**
 * Runs a process's main function. A configuration error prints its one line and
 * exits with status 2; anything else unexpected is printed and exits with 1.
 */
export function runMain(main: () => Promise<void>): void {
  main().catch((err: unknown) => {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exitCode = 2;
    } else {
      console.error(err);
      process.exitCode = 1;
    }
  });
}
