/**
 * Test-only process: the real projector wiring, killed with SIGKILL right after its
 * first SQL commit and before any Kafka offset commit — the crash window the
 * stream versions must make harmless. Not used in production.
 */
import { runMain } from '#shared/lifecycle/runMain.js';
import { createLogger } from '#shared/logging/logger.js';
import { loadProjectorEnv } from '../config.js';
import { wireProjector } from '../wireProjector.js';

runMain(async () => {
  const env = loadProjectorEnv();
  const log = createLogger('projector-crash', env.LOG_LEVEL);
  const wired = await wireProjector(env, log, {
    afterSqlCommit: () => {
      process.kill(process.pid, 'SIGKILL');
    },
  });
  await wired.projector.start();
});
