import type { Command } from 'commander';
import { createPool } from '#shared/db/pool.js';
import { createBffClient, HttpError } from '../../scenario/bffClient.js';
import { satsToBtc } from '#shared/bitcoin/btcSats.js';
import { listUserAddresses } from '../db/userAddresses.js';
import { parseBtc } from '../parse.js';
import { CliError, stackEnv } from '../stack.js';
import { fundHouse, HOUSE_WALLET } from '../../scenario/houseWallet.js';
import { regtestNode } from './chain.js';

async function withUsers<T>(work: (users: Map<string, string[]>) => Promise<T>): Promise<T> {
  const pool = createPool({ connectionString: stackEnv().ONLINE_DATABASE_URL, max: 1 });
  try {
    return await work(await listUserAddresses(pool));
  } finally {
    await pool.end();
  }
}

/** `users` (forkline beside the node), `fund` (pay a user and mine) and `fund-house`. */
export function registerUserCommands(program: Command): void {
  program
    .command('users')
    .description("each user's confirmed balance from the BFF beside what bitcoind says their addresses hold")
    .action(async () => {
      const env = stackEnv();
      const bff = createBffClient(env.BFF_URL, env.FORKLINE_ADMIN_TOKEN);
      const node = regtestNode();
      await withUsers(async (users) => {
        if (users.size === 0)
          return console.log('no users yet: create one with POST /v1/users (see the README)');
        console.log(
          `${'user'.padEnd(20)} ${'forkline BTC'.padStart(16)} ${'bitcoind BTC'.padStart(16)}  txs  addresses`,
        );
        for (const [userId, addresses] of users) {
          const truth = await node.balanceOf(addresses);
          const shown = await bff.balance(userId).then(
            (b) => ({ btc: satsToBtc(b.confirmedSats), txs: String(b.txCount) }),
            (err: unknown) => ({
              btc: err instanceof HttpError ? `HTTP ${err.status}` : 'BFF down',
              txs: '-',
            }),
          );
          const mark = shown.btc === satsToBtc(truth) ? ' ' : '≠';
          console.log(
            `${userId.padEnd(20)} ${shown.btc.padStart(16)} ${satsToBtc(truth).padStart(16)}${mark} ${shown.txs.padStart(4)}  ${addresses.length}`,
          );
        }
      });
    });

  program
    .command('fund')
    .description("send coins from the node wallet to a user's first address and mine a block")
    .argument('<userId>', 'a registered user')
    .argument('<btc>', 'amount in BTC')
    .action(async (userId: string, btc: string) => {
      const amount = parseBtc(btc);
      const address = await withUsers((users) => {
        const addresses = users.get(userId);
        if (!addresses)
          throw new CliError(`no user ${JSON.stringify(userId)}: create it with POST /v1/users first`);
        if (addresses.length === 0)
          throw new CliError(`${userId} has no address yet: add one with POST /v1/users/${userId}/addresses`);
        return Promise.resolve(addresses[0]!);
      });
      const node = regtestNode();
      await node.ensureFunds(amount + 1);
      const txid = await node.send(address, amount);
      const [block] = await node.mine(1);
      console.log(`funded ${userId} with ${btc} BTC at ${address}: tx ${txid} in block ${block}`);
    });

  program
    .command('fund-house')
    .description(
      `make sure the trading service's house wallet (${HOUSE_WALLET}) holds at least <btc>, mining as needed`,
    )
    .argument('[btc]', 'amount in BTC', '10')
    .action(async (btc: string) => {
      const result = await fundHouse(regtestNode(), parseBtc(btc));
      console.log(
        result.txid
          ? `funded ${HOUSE_WALLET}: it holds ${result.btc} BTC (tx ${result.txid}, mined)`
          : `${HOUSE_WALLET} already holds ${result.btc} BTC`,
      );
    });
}
