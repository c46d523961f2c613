import type { Command } from 'commander';
import { runScript } from '../stack.js';

/** up / down / reset / status: the local stack (bitcoind, PostgreSQL, Kafka). */
export function registerStackCommands(program: Command): void {
  const exitWith = (code: number) => {
    process.exitCode = code;
  };
  program
    .command('up')
    .description('install what is missing, start bitcoind, PostgreSQL and Kafka, apply migrations')
    .action(async () => exitWith(await runScript('up.sh')));
  program
    .command('down')
    .description('stop everything `up` started (data stays under .run/)')
    .action(async () => exitWith(await runScript('down.sh')));
  program
    .command('reset')
    .description('stop everything and delete the chain, wallets, databases and topics (downloads stay)')
    .action(async () => exitWith(await runScript('reset.sh')));
  program
    .command('status')
    .description('show whether each server is running')
    .action(async () => exitWith(await runScript('status.sh')));
}
