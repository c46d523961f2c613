import type { Command } from 'commander';
import { repoRoot } from '#shared/testing/stackEnv.js';
import { PROJECTOR_NODE_FLAGS } from '../../../../projector/src/nodeFlags.js';
import { stackEnv } from '../stack.js';
import { withInstances } from '../instances.js';
import { createSupervisor, type ProcessSpec } from '../supervisor.js';

export const FORKLINE_PROCESSES: ProcessSpec[] = [
  { name: 'crawler', main: 'crawler/src/main.ts' },
  { name: 'relay', main: 'relay/src/main.ts' },
  { name: 'projector', main: 'projector/src/main.ts', nodeFlags: PROJECTOR_NODE_FLAGS },
  { name: 'bff', main: 'bff/src/main.ts' },
  { name: 'trading', main: 'trading/src/main.ts' },
  // The trading database has its own outbox: a second relay moves it to the same topic.
  {
    name: 'trading-relay',
    main: 'relay/src/main.ts',
    env: (shared) => ({
      ONLINE_DATABASE_URL: shared.TRADING_DATABASE_URL,
      RELAY_METRICS_PORT: shared.TRADING_RELAY_METRICS_PORT ?? '28085',
    }),
  },
];

/** `forkline run`: forkline's processes as children, restarted when they crash, stopped on Ctrl-C. */
export function registerRunCommand(program: Command): void {
  program
    .command('run')
    .description(
      'run crawler, relay, projector, bff, trading and trading-relay with prefixed logs; restarts a crashed one; Ctrl-C stops all',
    )
    .option('--only <names>', 'comma-separated subset, e.g. crawler,relay')
    .option(
      '--instances <n>',
      'instances of crawler, relay, projector, bff and trading-relay (1-5); instance i listens on its ports + 10 × (i - 1)',
      '1',
    )
    .action(async (options: { only?: string; instances: string }) => {
      const instances = Number(options.instances);
      if (!Number.isInteger(instances) || instances < 1 || instances > 5)
        throw new Error(`--instances must be a whole number from 1 to 5 (got ${options.instances})`);
      const wanted = options.only?.split(',').map((s) => s.trim());
      const chosen = wanted ? FORKLINE_PROCESSES.filter((p) => wanted.includes(p.name)) : FORKLINE_PROCESSES;
      if (chosen.length === 0)
        throw new Error(`--only names none of: ${FORKLINE_PROCESSES.map((p) => p.name).join(', ')}`);
      const specs = withInstances(chosen, instances);
      const supervisor = createSupervisor({
        specs,
        cwd: repoRoot,
        env: { ...process.env, ...stackEnv() },
        color: process.stdout.isTTY,
      });
      supervisor.start();
      await new Promise<void>((resolve) => {
        const stop = () => {
          console.log('stopping…');
          void supervisor.stop().then(resolve);
        };
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
    });
}
