import { satsToBtc } from '#shared/bitcoin/btcSats.js';
import type { RegtestNode } from '#shared/testing/regtestNode.js';
import type { Activity, Balance, BffClient } from '../scenario/bffClient.js';
import type { WalletUsers } from '../scenario/walletUsers.js';

const bold = (s: string) => (process.stdout.isTTY ? `\x1b[1m${s}\x1b[0m` : s);
const dim = (s: string) => (process.stdout.isTTY ? `\x1b[2m${s}\x1b[0m` : s);

/**
 * Waits until forkline shows the node's tip, with a progress line, then prints each
 * user's balance from the BFF beside what bitcoind says, and their latest activities.
 */
export async function report(
  title: string,
  node: RegtestNode,
  bff: BffClient,
  users: WalletUsers,
): Promise<void> {
  console.log(`\n${bold(`== ${title}`)}`);
  const height = await node.height();
  const bestHash = await node.bestHash();
  const started = Date.now();
  const rows: { userId: string; balance: Balance; truth: number }[] = [];
  for (const userId of users.users.keys()) {
    const truth = await users.oracle(userId);
    for (;;) {
      const balance = await bff.balance(userId, height, 2_000);
      if (
        (balance.tip?.hash === bestHash && balance.confirmedSats === truth) ||
        Date.now() - started > 60_000
      ) {
        rows.push({ userId, balance, truth });
        break;
      }
      progress(
        `waiting for forkline to reach block ${height} (${((Date.now() - started) / 1000).toFixed(1)} s)`,
      );
    }
  }
  progress('');
  console.log(
    dim(`chain tip ${height} ${bestHash.slice(0, 16)}…, forkline caught up in ${Date.now() - started} ms`),
  );
  console.log(`  ${'user'.padEnd(10)} ${'forkline (BFF)'.padStart(16)} ${'bitcoind'.padStart(14)}`);
  for (const { userId, balance, truth } of rows) {
    const same = balance.confirmedSats === truth ? '✓' : '✗ differs';
    console.log(
      `  ${userId.padEnd(10)} ${`${satsToBtc(balance.confirmedSats)} BTC`.padStart(16)} ${satsToBtc(truth).padStart(14)}  ${same}`,
    );
    const { items } = await bff.activities(userId, 3);
    for (const a of items) console.log(dim(`      ${describe(a)}`));
  }
}

function describe(a: Activity): string {
  const sign = a.amountSats > 0 ? '+' : '';
  const where =
    a.status === 'confirmed'
      ? `${a.confirmations} conf, block ${a.blockHeight}`
      : 'reverted (left the chain)';
  return `${a.type.padEnd(7)} ${`${sign}${satsToBtc(a.amountSats)}`.padStart(12)}  ${a.status.padEnd(9)} ${where}  ${a.txid.slice(0, 12)}…`;
}

function progress(line: string): void {
  if (!process.stdout.isTTY) return;
  process.stdout.write(`\r\x1b[2K${line}`);
}
