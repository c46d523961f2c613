import { satsToBtc } from '#shared/bitcoin/btcSats.js';
import { expectedPending } from '#shared/testing/expectedPending.js';
import type { RegtestNode } from '#shared/testing/regtestNode.js';
import { HttpError, type Activity, type Balance, type BffClient } from '../scenario/bffClient.js';
import type { WalletUsers } from '../scenario/walletUsers.js';

const bold = (s: string) => (process.stdout.isTTY ? `\x1b[1m${s}\x1b[0m` : s);
const dim = (s: string) => (process.stdout.isTTY ? `\x1b[2m${s}\x1b[0m` : s);

/**
 * Waits until forkline shows the node's tip and mempool, with a progress line, then
 * prints each user's confirmed and pending balance from the BFF beside what bitcoind
 * says (its UTXO set and its mempool), and their latest activities.
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
  const owners: Record<string, string> = {};
  for (const [userId, addresses] of users.users) for (const a of addresses) owners[a] = userId;
  const mempool = await expectedPending(node, owners);
  const rows: { userId: string; balance: Balance; truth: number; pending: number }[] = [];
  for (const userId of users.users.keys()) {
    const truth = await users.oracle(userId);
    const pending = mempool.get(userId)?.pendingSats ?? 0;
    for (;;) {
      const balance = await readBalance(bff, userId, height, started);
      if (!balance) {
        progress(
          `waiting for the read side to know ${userId} (${((Date.now() - started) / 1000).toFixed(1)} s)`,
        );
        await new Promise((resolve) => setTimeout(resolve, 200));
        continue;
      }
      const same =
        balance.tip?.hash === bestHash && balance.confirmedSats === truth && balance.pendingSats === pending;
      if (same || Date.now() - started > 60_000) {
        rows.push({ userId, balance, truth, pending });
        break;
      }
      progress(
        `waiting for forkline to reach block ${height} (${((Date.now() - started) / 1000).toFixed(1)} s)`,
      );
      // At the height already (a rescan or a pending payment still on its way), the read
      // answers at once: pace the polls under the BFF's per-token rate limit.
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
  progress('');
  console.log(
    dim(`chain tip ${height} ${bestHash.slice(0, 16)}…, forkline caught up in ${Date.now() - started} ms`),
  );
  console.log(
    `  ${'user'.padEnd(10)} ${'forkline confirmed'.padStart(19)} ${'pending'.padStart(12)}   ${'bitcoind UTXOs'.padStart(14)} ${'mempool'.padStart(12)}`,
  );
  const btc = (sats: number) => satsToBtc(sats);
  for (const { userId, balance, truth, pending } of rows) {
    const same = balance.confirmedSats === truth && balance.pendingSats === pending ? '✓' : '✗ differs';
    console.log(
      `  ${userId.padEnd(10)} ${`${btc(balance.confirmedSats)} BTC`.padStart(19)} ${btc(balance.pendingSats).padStart(12)}   ${btc(truth).padStart(14)} ${btc(pending).padStart(12)}  ${same}`,
    );
    const { items } = await bff.activities(userId, 3);
    for (const a of items) console.log(dim(`      ${describe(a)}`));
  }
}

function describe(a: Activity): string {
  const sign = a.amountSats > 0 ? '+' : '';
  const where = {
    pending: 'in the mempool',
    confirmed: `${a.confirmations} conf, block ${a.blockHeight}`,
    reverted: 'reverted (left the chain)',
    replaced: `replaced by ${a.replacedBy?.slice(0, 12)}…`,
    dropped: `dropped (${a.dropReason})`,
    open: `open${a.limitPriceEurCents === null ? '' : `, limit ${a.limitPriceEurCents / 100} EUR`}`,
    cancelled: 'cancelled',
    rejected: `rejected (${a.rejectReason})`,
    settling: `filled at ${(a.priceEurCents ?? 0) / 100} EUR, settling`,
  }[a.status];
  const tx = a.txid === null ? '' : `  ${a.txid.slice(0, 12)}…`;
  if (a.priceEurCents !== null && a.eurCents !== null) {
    const deal = `at ${a.priceEurCents / 100} EUR/BTC for ${a.eurCents / 100} EUR`;
    const settlement = a.settlement
      ? `settlement ${a.settlement.status}${a.settlement.confirmations ? ` (${a.settlement.confirmations} conf)` : ''}`
      : 'settling';
    return `${a.type.padEnd(10)} ${`${sign}${satsToBtc(a.amountSats)}`.padStart(12)}  ${deal}, ${settlement}${tx}`;
  }
  return `${a.type.padEnd(10)} ${`${sign}${satsToBtc(a.amountSats)}`.padStart(12)}  ${a.status.padEnd(9)} ${where}${tx}`;
}

function progress(line: string): void {
  if (!process.stdout.isTTY) return;
  process.stdout.write(`\r\x1b[2K${line}`);
}

/**
 * The user's balance at `height`, or null while the read side does not know the user yet
 * (a 404: its registration is still on its way, e.g. while a process restarts), for at
 * most a minute from `started`.
 */
async function readBalance(
  bff: BffClient,
  userId: string,
  height: number,
  started: number,
): Promise<Balance | null> {
  try {
    return await bff.balance(userId, height, 2_000);
  } catch (err) {
    if (err instanceof HttpError && err.status === 404 && Date.now() - started < 60_000) return null;
    throw err;
  }
}
