import type { Executor } from '#shared/db/pool.js';
import type { BlockToApply } from '../db/applyBlock.js';
import { selectUnspentOutpoints } from '../db/selectUnspentOutpoints.js';
import { selectUnspentTxids } from '../db/selectUnspentTxids.js';
import { matchBlock, spentOutpoints } from '../matching/matchBlock.js';
import { outpointKey, type BlockMatch, type OwnedOutput, type WatchLookup } from '../matching/types.js';
import type { UnspentTxids } from '../matching/unspentTxids.js';
import type { PendingIndex } from '../mempool/pendingIndex.js';
import type { ChainTip } from '../node/chainSource.js';
import type { ParsedBlock } from '../node/parseBlock.js';
import { settlePending, type PendingSettlement } from './settlePending.js';

export type PrepareOutcome = { kind: 'prepared'; block: BlockToApply } | { kind: 'tip-moved' };

/**
 * Matches a block extending `parent` (undefined: the first block) and builds what
 * applyBlock writes: wallet UTXOs created and spent, wallet transactions (the database
 * makes their events), and the pending transactions it mines or conflicts with.
 *
 * Inputs are matched against our unspent outputs, looked up only for the inputs that
 * spend one of `unspent`: most blocks spend nothing of ours and cost no query. `unspent`
 * is reloaded first unless it reflects `parent`, and is advanced past this block (the
 * caller resets it if the block is not committed). `parentCommitted` is the commit of
 * `parent` still in flight, if any: a lookup waits for it, since it may create the very
 * outputs looked up; a block needing none is matched while that commit runs. The lookup
 * runs outside the block's own transaction, which is safe because every change to the
 * wallet UTXOs moves the tip, and applyBlock checks the tip under the chain lock.
 * `unsentOutputs` are our outputs created by blocks matched but not sent to the database
 * yet (the group being built while catching up): a spend of one is matched from there.
 * `tip-moved`: our stored tip is not `parent` any more.
 */
export async function prepareBlock({
  db,
  block,
  height,
  chainwork,
  parent,
  watch,
  unspent,
  pending,
  parentCommitted,
  unsentOutputs,
}: {
  db: Executor;
  block: ParsedBlock;
  height: number;
  /** The total work of the chain up to this block. */
  chainwork: bigint;
  parent: ChainTip | undefined;
  watch: WatchLookup;
  unspent: UnspentTxids;
  /** Our pending transactions: the block may mine them or conflict with them. */
  pending: PendingIndex;
  parentCommitted?: Promise<unknown>;
  unsentOutputs?: ReadonlyMap<string, OwnedOutput>;
}): Promise<PrepareOutcome> {
  if (!unspent.isAt(parent?.hash)) {
    await parentCommitted;
    const { tipHash, voutsByTxid } = await selectUnspentTxids(db);
    unspent.load(voutsByTxid, tipHash);
    if (!unspent.isAt(parent?.hash)) return { kind: 'tip-moved' };
  }
  const prevouts: OwnedOutput[] = [];
  const lookup = [];
  for (const o of spentOutpoints(block.txs, unspent)) {
    const unsent = unsentOutputs?.get(outpointKey(o.txid, o.vout));
    if (unsent) prevouts.push(unsent);
    else lookup.push(o);
  }
  if (lookup.length > 0) {
    await parentCommitted;
    prevouts.push(...(await selectUnspentOutpoints(db, lookup)));
  }
  const match = matchBlock(block.txs, watch, prevouts);
  unspent.advance(block.hash, match.created, match.spent);
  const settled = settlePending(block.txs, match, pending);
  return { kind: 'prepared', block: toApply(block, height, chainwork, match, settled) };
}

function toApply(
  block: ParsedBlock,
  height: number,
  chainwork: bigint,
  match: BlockMatch,
  settled: PendingSettlement,
): BlockToApply {
  return {
    hash: block.hash,
    height,
    prevHash: block.prevHash,
    time: block.time,
    txCount: block.txs.count,
    chainwork,
    created: match.created,
    spent: match.spent,
    walletTxs: match.walletTxs,
    pendingMined: settled.mined,
    pendingDropped: settled.dropped,
    occurredAt: new Date(),
  };
}
