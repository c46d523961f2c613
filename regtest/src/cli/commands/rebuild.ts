import { spawn } from 'node:child_process';
import type { Command } from 'commander';
import { repoRoot } from '#shared/testing/stackEnv.js';
import { PROJECTOR_NODE_FLAGS } from '../../../../projector/src/nodeFlags.js';
import { stackEnv } from '../stack.js';

/** `rebuild`: the projector's rebuild, run against the stack's views database and topic. */
export function registerRebuildCommand(program: Command): void {
  program
    .command('rebuild')
    .description(
      'replay the whole topic into fresh projection tables (a new consumer group), then swap them in for readers in one step',
    )
    .option('--keep-old', 'keep the replaced projection schema instead of dropping it')
    .action(async (options: { keepOld?: boolean }) => {
      const child = spawn(
        process.execPath,
        [
          ...PROJECTOR_NODE_FLAGS,
          '--import',
          'tsx',
          'projector/src/rebuildMain.ts',
          ...(options.keepOld ? ['--keep-old'] : []),
        ],
        { cwd: repoRoot, env: { ...process.env, ...stackEnv() }, stdio: 'inherit' },
      );
      const code = await new Promise<number>((resolve) => child.on('exit', (c) => resolve(c ?? 1)));
      process.exitCode = code;
    });
}
