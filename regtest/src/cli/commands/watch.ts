import type { Command } from 'commander';
import { createBffClient, HttpError, type DescriptorView } from '../../scenario/bffClient.js';
import { parseCount } from '../parse.js';
import { CliError, stackEnv } from '../stack.js';

/** `watch`: register a wallet by its descriptor for a user (created when new). */
export function registerWatchCommand(program: Command): void {
  program
    .command('watch')
    .description(
      "watch a wallet by its output descriptor (an xpub/tpub's receive and change addresses) for a user",
    )
    .argument('<userId>', 'the user (registered first if unknown)')
    .argument(
      '<descriptor>',
      "e.g. wpkh([fingerprint/84h/1h/0h]tpub…/0/*) — the node's listdescriptors prints them",
    )
    .option('--rescan-from <height>', "count the wallet's history from this block height")
    .option('--gap-limit <n>', 'unused addresses watched beyond the highest used index', '20')
    .action(
      async (userId: string, descriptor: string, options: { rescanFrom?: string; gapLimit: string }) => {
        const env = stackEnv();
        const bff = createBffClient(env.BFF_URL, env.FORKLINE_ADMIN_TOKEN);
        const gapLimit = parseCount(options.gapLimit, '--gap-limit', 1_000);
        const rescanFromHeight =
          options.rescanFrom === undefined
            ? undefined
            : parseCount(options.rescanFrom, '--rescan-from', 100_000_000, 0);
        await bff.createUser(userId).catch((err: unknown) => {
          if (!(err instanceof HttpError && err.status === 409)) throw err;
        });
        const res = await bff
          .request<DescriptorView>('POST', `/v1/users/${encodeURIComponent(userId)}/descriptors`, {
            descriptor,
            gapLimit,
            ...(rescanFromHeight !== undefined && { rescanFromHeight }),
          })
          .catch((err: unknown) => {
            if (err instanceof HttpError && err.status === 400) {
              throw new CliError(
                `refused: ${(err.body as { detail?: string }).detail ?? JSON.stringify(err.body)}`,
              );
            }
            throw err;
          });
        const w = res.body;
        const next = await bff.request<{ address: string; index: number }>(
          'GET',
          `/v1/users/${encodeURIComponent(userId)}/descriptors/${w.descriptorId}/next-address`,
        );
        console.log(`${res.status === 201 ? 'watching' : 'already watching'} for ${userId}: ${w.descriptor}
  change:        ${w.changeDescriptor}
  descriptorId:  ${w.descriptorId}
  gap limit ${w.gapLimit}: receive addresses 0-${w.receive.derived - 1}, change 0-${w.change.derived - 1} watched
  matched from height ${w.fromHeight}${w.rescanning ? ' (rescanning its history)' : ''}
  next receive address: ${next.body.address} (index ${next.body.index})`);
      },
    );
}
