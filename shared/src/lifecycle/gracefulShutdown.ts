import type { Logger } from '../logging/logger.js';

export interface Closeable {
  close(): Promise<void>;
}

/**
 * On SIGTERM/SIGINT, closes the components in order (intake first, pools last) within
 * a deadline, then lets the process end on its own: no process.exit() in the handler,
 * so pending writes flush. A second signal, or the deadline, forces the exit.
 */
export function gracefulShutdown(log: Logger, components: Closeable[], timeoutMs = 15_000): Promise<void> {
  return new Promise((resolve) => {
    let stopping = false;
    const stop = (signal: NodeJS.Signals) => {
      if (stopping) {
        log.warn({ signal }, 'second signal, exiting now');
        process.exit(1);
      }
      stopping = true;
      log.info({ signal }, 'shutting down');
      const timer = setTimeout(() => {
        log.error({ timeoutMs }, 'shutdown took too long, exiting');
        process.exit(1);
      }, timeoutMs);
      timer.unref();
      void (async () => {
        for (const component of components) {
          try {
            await component.close();
          } catch (err) {
            log.error({ err }, 'error while closing');
            process.exitCode = 1;
          }
        }
        log.info('stopped');
        resolve();
      })();
    };
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
  });
}
