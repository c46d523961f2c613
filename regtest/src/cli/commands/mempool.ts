import type { Command } from 'commander';
import { parseAddress, parseTxid } from '../parse.js';
import { regtestNode } from './chain.js';

/** The verbs that replace a pending transaction: a BIP125 fee bump and a full-RBF double-spend. */
export function registerMempoolCommands(program: Command): void {
  program
    .command('bump')
    .description('fee-bump a pending node-wallet transaction (BIP125 replace-by-fee, wallet bumpfee)')
    .argument('<txid>', 'a node-wallet transaction in the mempool (e.g. from forkline send)')
    .addHelpText(
      'after',
      '\nThe replacement pays the same recipients with a higher fee (less change); the original leaves\n' +
        'the mempool and shows as replaced. Mine a block to confirm the replacement.',
    )
    .action(async (txid: string) => {
      const original = parseTxid(txid);
      const bumped = await regtestNode().bumpFee(original);
      console.log(`bumped ${original} -> ${bumped}`);
      console.log(`${original} is replaced: it left the mempool and shows as replaced; ${bumped} is pending`);
    });

  program
    .command('replace')
    .description('double-spend a pending node-wallet transaction, paying another address (full RBF)')
    .argument('<txid>', 'a node-wallet transaction in the mempool')
    .requiredOption('--to <address>', 'the regtest address the double-spend pays')
    .addHelpText(
      'after',
      '\nThe new transaction spends the same inputs and pays their whole value, minus a higher fee,\n' +
        'to --to: whoever the original paid loses that payment. No opt-in signal is needed\n' +
        '(the node replaces any transaction). Mine a block to confirm it.',
    )
    .action(async (txid: string, options: { to: string }) => {
      const original = parseTxid(txid);
      const to = parseAddress(options.to);
      const replacement = await regtestNode().replaceTx(original, to);
      console.log(`replaced ${original} with ${replacement}, paying ${to}`);
      console.log(`${original} left the mempool; ${replacement} is pending`);
    });
}
