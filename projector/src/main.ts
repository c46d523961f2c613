/**
 * The projector process: Kafka `forkline.events` → views DB. Reads its configuration
 * once, serves /metrics and /status, and stops gracefully on SIGTERM/SIGINT.
 */
import { gracefulShutdown } from '#shared/lifecycle/gracefulShutdown.js';
import { runMain } from '#shared/lifecycle/runMain.js';
import { createLogger } from '#shared/logging/logger.js';
import { loadProjectorEnv } from './config.js';
import { wireProjector } from './wireProjector.js';

runMain(async () => {
  const env = loadProjectorEnv();
  const log = createLogger('projector', env.LOG_LEVEL);
  const wired = await wireProjector(env, log);
  const stopped = gracefulShutdown(log, wired.components);
  try {
    await wired.server.start();
    await wired.projector.start();
  } catch (err) {
    for (const component of wired.components) await component.close().catch(() => undefined);
    throw err;
  }
  const failed = await Promise.race([stopped.then(() => undefined), wired.projector.failed()]);
  if (failed) {
    // Up but consuming nothing helps no one: stop, and let the supervisor start it again.
    log.fatal({ err: failed.message }, 'Kafka consumer stopped for good: exiting');
    for (const component of wired.components) await component.close().catch(() => undefined);
    process.exitCode = 1;
    process.removeAllListeners('SIGTERM');
    process.removeAllListeners('SIGINT');
  }
});
