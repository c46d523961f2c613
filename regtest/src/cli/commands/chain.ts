import type { Command } from 'commander';
import { createRegtestNode, type RegtestNode } from '#shared/testing/regtestNode.js';
import { CliError, stackEnv } from '../stack.js';
import { parseAddress, parseBtc, parseCount, parseTxid } from '../parse.js';

export function regtestNode(): RegtestNode {
  const env = stackEnv();
  return createRegtestNode(env.BITCOIND_RPC_URL, env.BITCOIND_WALLET);
}

/** The regtest verbs developers use to move the chain: mine, send, reorg. */
export function registerChainCommands(program: Command): void {
  program
    .command('mine')
    .description('mine blocks on the regtest node (they include whatever the mempool holds)')
    .argument('[n]', 'number of blocks', '1')
    .option('--to <address>', 'pay the block rewards to this address (default: the node wallet)')
    .action(async (n: string, options: { to?: string }) => {
      const node = regtestNode();
      const hashes = await node.mine(
        parseCount(n, 'n', 10_000),
        options.to ? parseAddress(options.to) : undefined,
      );
      console.log(`mined ${hashes.length} block(s); tip ${await node.height()} ${hashes.at(-1)}`);
    });

  program
    .command('send')
    .description(
      'send coins from the node wallet to an address; the payment is pending (in the mempool) until you mine',
    )
    .argument('<address>', 'a regtest address')
    .argument('<btc>', 'amount in BTC, e.g. 0.5')
    .action(async (address: string, btc: string) => {
      const to = parseAddress(address);
      const amount = parseBtc(btc);
      const node = regtestNode();
      await node.ensureFunds(amount + 1);
      const txid = await node.send(to, amount);
      console.log(`sent ${btc} BTC to ${to}: ${txid}`);
      console.log('pending: it is in the mempool, unconfirmed until a block is mined (forkline mine)');
    });

  program
    .command('reorg')
    .description('replace the last <depth> blocks with a longer branch (invalidateblock, then mine depth+1)')
    .argument('<depth>', 'how many blocks leave the main chain')
    .option('--drop-txs', 'mine the new branch empty: the disconnected transactions leave the chain')
    .option(
      '--double-spend <txid>',
      'confirm a conflicting transaction in place of <txid> (a node-wallet spend)',
    )
    .action(async (depth: string, options: { dropTxs?: boolean; doubleSpend?: string }) => {
      if (options.dropTxs && options.doubleSpend)
        throw new CliError('choose one of --drop-txs and --double-spend');
      const doubleSpend = options.doubleSpend ? parseTxid(options.doubleSpend, '--double-spend') : undefined;
      const node = regtestNode();
      const before = await node.height();
      const result = await node.reorg(parseCount(depth, 'depth', before), {
        dropTxs: options.dropTxs ?? false,
        ...(doubleSpend ? { doubleSpend } : {}),
      });
      console.log(
        `reorg: ${result.disconnected.length} block(s) replaced by ${result.connected.length}; tip ${before} -> ${await node.height()}`,
      );
    });
}
